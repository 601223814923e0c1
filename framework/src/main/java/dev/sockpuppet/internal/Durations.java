package dev.sockpuppet.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks and renders durations the way messages and transcripts show them. */
public final class Durations {
  private Durations() {}

  /** {@code "10 s"}, {@code "250 ms"}, {@code "1.5 s"}, {@code "0.100 ms"}. */
  public static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0 && !duration.isZero()) {
      // A fault's pause can be a fraction of a millisecond; "0 s" would misdescribe it.
      return String.format(java.util.Locale.ROOT, "%.3f ms", duration.toNanos() / 1_000_000.0);
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    if (millis < 1000) {
      return millis + " ms";
    }
    return String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0);
  }

  /** {@code "+12.345ms"}: a timestamp relative to a server's start, for transcripts. */
  public static String offset(Duration at) {
    return String.format(java.util.Locale.ROOT, "+%.3fms", at.toNanos() / 1_000_000.0);
  }

  /** Rejects null, zero and negative durations with a message naming {@code what}. */
  public static Duration requirePositive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + duration);
    }
    return duration;
  }
}
