package dev.sockpuppet.internal.script;

import dev.sockpuppet.Bytes;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** One step of a script, as data. {@link #description()} is what failure messages and verify() show. */
public sealed interface Step {
  String description();

  /**
   * Waits for bytes that meet {@code expectation}, at most {@code timeout} (null: the fake's).
   *
   * @param groups the capture groups a match provides (numbers and names), or null if it is not a regex
   * @param expected what was expected as bytes, for the IDE's diff, or null
   */
  record Expect(String description, Expectation expectation, Duration timeout, Set<String> groups, Bytes expected)
      implements Step {
    public Expect {
      Objects.requireNonNull(description);
      Objects.requireNonNull(expectation);
    }

    public Expect within(Duration newTimeout) {
      return new Expect(description, expectation, newTimeout, groups, expected);
    }
  }

  /** Sends bytes made from the latest regex's captures (most sends ignore them). */
  record Send(String description, Function<Map<String, String>, Bytes> bytes) implements Step {}

  /** Waits, then goes on. */
  record Pause(String description, Duration duration) implements Step {}

  /** Ends the fake's output; the program reads end-of-stream and may still send. */
  record HalfClose(String description) implements Step {}

  /** Closes the connection; the last step. */
  record Close(String description) implements Step {}

  /** Resets the connection (RST on TCP); the last step. */
  record Reset(String description) implements Step {}

  /** Holds the connection open and reads nothing until the fake stops; the last step. */
  record Stall(String description) implements Step {}

  /** Whether no step may follow this one. */
  static boolean isFinal(Step step) {
    return step instanceof Close || step instanceof Reset || step instanceof Stall;
  }
}
