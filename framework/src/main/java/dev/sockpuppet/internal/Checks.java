package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Direction;
import dev.sockpuppet.Framing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * The byte checks behind the fluent assertions. Each returns null when the check passes and the
 * failure to throw otherwise, so the same check can run once or be polled until it passes.
 */
public final class Checks {
  /** Values up to this size show whole in the expected/actual dumps an IDE diffs. */
  private static final long WHOLE_DUMP_LIMIT = 64 * 1024;

  private Checks() {}

  /**
   * Runs {@code check} once, or when {@code wait} is not null polls it until it passes; throws the
   * (last) failure.
   */
  public static void run(Duration wait, String what, Supplier<AssertionFailedError> check) {
    if (wait == null) {
      AssertionFailedError failure = check.get();
      if (failure != null) {
        throw failure;
      }
      return;
    }
    AtomicReference<AssertionFailedError> last = new AtomicReference<>();
    try {
      Awaits.until(
          what,
          wait,
          () -> {
            last.set(check.get());
            return last.get() == null;
          },
          passed -> passed,
          () -> "");
    } catch (AssertionFailedError timedOut) {
      AssertionFailedError failure = last.get();
      if (failure == null) {
        throw timedOut;
      }
      AssertionFailedError still =
          new AssertionFailedError(
              "still failing after waiting " + Durations.describe(wait) + ": " + failure.getMessage(),
              failure.isExpectedDefined() ? failure.getExpected().getValue() : null,
              failure.isActualDefined() ? failure.getActual().getValue() : null);
      still.setStackTrace(failure.getStackTrace());
      throw still;
    }
  }

  /** Fails unless {@code actual} equals {@code expected} byte for byte. */
  public static AssertionFailedError exactly(String subject, Direction direction, Bytes expected, Bytes actual) {
    long at = expected.mismatch(actual);
    if (at < 0) {
      return null;
    }
    String message =
        subject + " " + direction.verb() + " bytes that differ from the expected at offset " + at
            + " (expected " + count(expected.size()) + ", " + direction.verb() + " " + count(actual.size()) + ")"
            + "\nexpected:\n" + HexDump.window(expected, at)
            + direction.verb() + ":\n" + HexDump.window(actual, at);
    return new AssertionFailedError(message, dumpForDiff(expected, at), dumpForDiff(actual, at));
  }

  /** Fails unless {@code needle} occurs in {@code actual}. */
  public static AssertionFailedError containing(String subject, Direction direction, Bytes needle, Bytes actual) {
    if (actual.contains(needle)) {
      return null;
    }
    return new AssertionFailedError(
        subject + " " + direction.verb() + " nothing containing " + HexDump.quoted(needle) + "; it "
            + direction.verb() + " " + HexDump.describe(actual));
  }

  /** Fails unless the lines of {@code actual} are exactly {@code expected}. */
  public static AssertionFailedError lines(String subject, Direction direction, List<String> expected, Bytes actual) {
    return lines(subject, direction, expected, actual.lines());
  }

  /** Fails unless {@code lines} are exactly {@code expected}. */
  public static AssertionFailedError lines(String subject, Direction direction, List<String> expected, List<String> lines) {
    if (lines.equals(expected)) {
      return null;
    }
    int at = 0;
    while (at < Math.min(lines.size(), expected.size()) && lines.get(at).equals(expected.get(at))) {
      at++;
    }
    String detail =
        at < Math.min(lines.size(), expected.size())
            ? "line " + (at + 1) + " is " + quoted(lines.get(at)) + " but " + quoted(expected.get(at)) + " was expected"
            : "expected " + expected.size() + " lines, " + direction.verb() + " " + lines.size();
    return new AssertionFailedError(
        subject + " " + direction.verb() + " other lines than expected: " + detail,
        String.join("\n", expected),
        String.join("\n", lines));
  }

  /**
   * Fails unless {@code actual}, cut by {@code framing}, is exactly the frames {@code expected}
   * with no bytes left over.
   */
  public static AssertionFailedError frames(
      String subject, Direction direction, Framing framing, List<Bytes> expected, Bytes actual) {
    List<Bytes> frames;
    try {
      frames = framing.frames(actual);
    } catch (IllegalArgumentException e) {
      return new AssertionFailedError(
          subject + " " + direction.verb() + " bytes that are not " + framing + ": " + e.getMessage());
    }
    Bytes remainder = framing.remainder(actual);
    if (frames.equals(expected) && remainder.isEmpty()) {
      return null;
    }
    int at = 0;
    while (at < Math.min(frames.size(), expected.size()) && frames.get(at).equals(expected.get(at))) {
      at++;
    }
    String detail;
    if (at < Math.min(frames.size(), expected.size())) {
      long differs = frames.get(at).mismatch(expected.get(at));
      detail = "frame " + (at + 1) + " is " + HexDump.quoted(frames.get(at)) + " but " + HexDump.quoted(expected.get(at))
          + " was expected (first difference at payload offset " + differs + ")";
    } else if (frames.size() != expected.size()) {
      detail = "expected " + expected.size() + " frames, " + direction.verb() + " " + frames.size();
    } else {
      detail = "the frames match, but " + count(remainder.size()) + " of an incomplete frame follow: "
          + HexDump.quoted(remainder);
    }
    return new AssertionFailedError(
        subject + " " + direction.verb() + " other frames than expected (" + framing + "): " + detail,
        describeFrames(expected), describeFrames(frames) + (remainder.isEmpty() ? "" : "\n+ " + HexDump.quoted(remainder)));
  }

  private static String describeFrames(List<Bytes> frames) {
    StringBuilder out = new StringBuilder();
    for (Bytes frame : frames) {
      out.append(out.length() == 0 ? "" : "\n").append(HexDump.quoted(frame));
    }
    return out.toString();
  }

  /** Fails unless {@code pattern} matches the whole text of {@code actual}. */
  public static AssertionFailedError matching(String subject, Direction direction, Pattern pattern, Bytes actual) {
    if (pattern.matcher(actual.text()).matches()) {
      return null;
    }
    return new AssertionFailedError(
        subject + " " + direction.verb() + " text that does not match /" + pattern.pattern() + "/; it "
            + direction.verb() + " " + HexDump.describe(actual),
        pattern.pattern(),
        actual.text());
  }

  /** Fails unless {@code actual} is empty. */
  public static AssertionFailedError nothing(String subject, Direction direction, Bytes actual) {
    return actual.isEmpty()
        ? null
        : new AssertionFailedError(
            subject + " was expected to have " + direction.verb() + " nothing, but " + direction.verb() + " "
                + HexDump.describe(actual));
  }

  /** Fails unless {@code actual} equals {@code expected}, naming {@code what} was counted. */
  public static AssertionFailedError count(String subject, String what, long expected, long actual) {
    return expected == actual
        ? null
        : new AssertionFailedError(subject + " has " + actual + " " + what + ", expected " + expected, expected, actual);
  }

  private static String dumpForDiff(Bytes bytes, long at) {
    return bytes.size() <= WHOLE_DUMP_LIMIT ? HexDump.rows(bytes.toByteArray(), 0) : HexDump.window(bytes, at);
  }

  private static String quoted(String line) {
    return HexDump.quoted(Bytes.of(line));
  }

  private static String count(long bytes) {
    return bytes == 1 ? "1 byte" : bytes + " bytes";
  }
}
