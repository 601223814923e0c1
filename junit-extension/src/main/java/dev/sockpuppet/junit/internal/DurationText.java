package dev.sockpuppet.junit.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in annotations and properties: {@code 5s}, {@code PT5S}. */
final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private DurationText() {}

  /**
   * Parses {@code text} as a positive duration: a number with a unit ({@code 500ms}, {@code 5s},
   * {@code 2m}, {@code 1h}) or ISO-8601 ({@code PT5S}).
   *
   * @param what the setting, for the message, e.g. {@code timeout of @WithTcpServer 'api'}
   * @throws IllegalArgumentException naming {@code what}, the text and the accepted forms
   */
  static Duration parse(String text, String what) {
    String trimmed = text.strip();
    Duration parsed = null;
    Matcher matcher = SHORT.matcher(trimmed.toLowerCase(Locale.ROOT));
    try {
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
          case "ms" -> parsed = Duration.ofMillis(amount);
          case "s" -> parsed = Duration.ofSeconds(amount);
          case "m" -> parsed = Duration.ofMinutes(amount);
          default -> parsed = Duration.ofHours(amount);
        }
      } else if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
        parsed = Duration.parse(trimmed);
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw new IllegalArgumentException(
          what + " is \"" + text + "\"; write a positive duration such as \"500ms\", \"5s\", \"2m\" or \"PT5S\"");
    }
    return parsed;
  }
}
