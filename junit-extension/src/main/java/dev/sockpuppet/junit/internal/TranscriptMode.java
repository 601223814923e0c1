package dev.sockpuppet.junit.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** When transcripts are written to files and published: {@code sockpuppet.transcripts.write}. */
enum TranscriptMode {
  ON_FAILURE("on-failure"),
  ALWAYS("always"),
  NEVER("never");

  private final String text;

  TranscriptMode(String text) {
    this.text = text;
  }

  /** Parses the configuration value, e.g. {@code on-failure}. */
  static TranscriptMode parse(String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (TranscriptMode mode : values()) {
      if (mode.text.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "\"" + value + "\" is not one of " + Arrays.stream(values()).map(m -> m.text).collect(Collectors.joining(", ")));
  }

  /** Whether a test that failed (or not) gets its transcripts written. */
  boolean writes(boolean failed) {
    return this == ALWAYS || (this == ON_FAILURE && failed);
  }
}
