package dev.sockpuppet.syslog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every parsed field of a message a real emitter sent, as one text to compare with {@code
 * assertEquals}: a field nobody thought to check cannot change unnoticed, and a failure shows all
 * of them side by side. The timestamp, which changes from run to run, shows as {@code recent} when
 * it lies within five minutes of now, and as itself otherwise.
 */
final class EmittedFields {
  private EmittedFields() {}

  static String of(SyslogMessage m) {
    return String.join(
        "\n",
        m.format() + " " + m.facility().keyword() + "." + m.severity().keyword(),
        "timestamp " + m.timestamp().map(EmittedFields::recent).orElse("(none)"),
        "hostname " + text(m.hostname()) + ", app " + text(m.appName()) + ", procid " + text(m.procId())
            + ", msgid " + text(m.msgId()),
        "sd " + m.structuredData(),
        "message \"" + m.message() + "\"" + (m.messageIsUtf8() ? "" : " (not UTF-8)"),
        "error " + text(m.parseError()));
  }

  /** Each message's fields, separated by a blank line. */
  static String of(List<SyslogMessage> messages) {
    return messages.stream().map(EmittedFields::of).collect(Collectors.joining("\n\n"));
  }

  private static String recent(Instant timestamp) {
    return Duration.between(timestamp, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0
        ? "recent"
        : timestamp.toString();
  }

  private static String text(Optional<?> value) {
    return value.map(String::valueOf).orElse("(none)");
  }
}
