package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Direction;
import dev.sockpuppet.Framing;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * The byte checks behind the fluent assertions. Each returns null when the check passes and the
 * failure to throw otherwise, so the same check can run once or be polled until it passes.
 */
public final class Checks {
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

  /**
   * Fails unless {@code actual} equals {@code expected} byte for byte. The message and the
   * expected/actual values show the window around the first difference only.
   */
  public static AssertionFailedError exactly(String subject, Direction direction, Bytes expected, Bytes actual) {
    long at = expected.mismatch(actual);
    if (at < 0) {
      return null;
    }
    String verb = direction.verb();
    String message =
        subject + " " + verb + " bytes that differ from the expected at offset " + at + where(actual, at)
            + " (expected " + HexDump.count(expected.size()) + ", " + verb + " " + HexDump.count(actual.size()) + ")\n"
            + HexDump.difference("expected", expected, verb, actual, at);
    boolean text = HexDump.readsAsText(expected, at) && HexDump.readsAsText(actual, at);
    return new AssertionFailedError(message, HexDump.forDiff(expected, at, text), HexDump.forDiff(actual, at, text));
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

  /** One recording whose lines a check reads, named as messages name it. */
  public record LineSource(String name, Bytes bytes) {}

  /** Fails unless the lines of {@code actual} are exactly {@code expected}. */
  public static AssertionFailedError lines(String subject, Direction direction, List<String> expected, Bytes actual) {
    return lines(subject, direction, expected, List.of(new LineSource(subject, actual)));
  }

  /**
   * Fails unless the lines of the sources, one source after the other, are exactly {@code
   * expected}. The lines are compared as they are found, so a check over a large recording decodes
   * only the lines it shows; the failure names the first line that differs, where it differs, and
   * shows the text around it.
   */
  public static AssertionFailedError lines(
      String subject, Direction direction, List<String> expected, List<LineSource> sources) {
    LineComparison comparison = new LineComparison(expected);
    for (LineSource source : sources) {
      if (!comparison.read(source)) {
        break;
      }
    }
    return comparison.failure(subject, direction, sources.size() > 1);
  }

  /** Compares lines as {@link Lines} finds them, stopping at the first difference. */
  private static final class LineComparison {
    private static final int CONTEXT = 2;
    private final List<String> expected;
    private final List<Bytes> expectedBytes = new ArrayList<>();
    private int index;
    private LineSource failedIn;
    private int lineInSource;
    private long failedStart;
    private long failedEnd;
    /** The lines before the failing one in its source, and after it, for the IDE's diff. */
    private final ArrayDeque<Bytes> before = new ArrayDeque<>();
    private final List<Bytes> after = new ArrayList<>();

    LineComparison(List<String> expected) {
      this.expected = expected;
      for (String line : expected) {
        expectedBytes.add(Bytes.of(line));
      }
    }

    /** Reads one source; false once a line differed. */
    boolean read(LineSource source) {
      Bytes bytes = source.bytes();
      int[] line = {0};
      before.clear();
      Lines.scan(bytes, (start, end, terminated) -> {
        if (failedIn != null) {
          after.add(bytes.slice(start, end));
          return after.size() < CONTEXT;
        }
        line[0]++;
        if (index >= expected.size() || !same(bytes, start, end, index)) {
          failedIn = source;
          lineInSource = line[0];
          failedStart = start;
          failedEnd = end;
          return true;
        }
        before.addLast(bytes.slice(start, end));
        if (before.size() > CONTEXT) {
          before.removeFirst();
        }
        index++;
        return true;
      });
      return failedIn == null;
    }

    private boolean same(Bytes bytes, long start, long end, int i) {
      Bytes wanted = expectedBytes.get(i);
      if (wanted.size() == end - start && bytes.slice(start, end).equals(wanted)) {
        return true;
      }
      // Malformed UTF-8 decodes to U+FFFD, so such an expected line may equal other bytes.
      return expected.get(i).indexOf('\uFFFD') >= 0 && end - start <= 4L * wanted.size()
          && bytes.slice(start, end).text().equals(expected.get(i));
    }

    AssertionFailedError failure(String subject, Direction direction, boolean manySources) {
      String verb = direction.verb();
      if (failedIn == null && index == expected.size()) {
        return null;
      }
      String head = subject + " " + verb + " other lines than expected: ";
      if (failedIn == null) {
        // Fewer lines than expected.
        String message = head + "expected " + expected.size() + " lines, " + verb + " " + index
            + "; line " + (index + 1) + " was expected next: " + HexDump.quoted(expectedBytes.get(index))
            + (index < expected.size() - 1 ? " (and " + (expected.size() - index - 1) + " more)" : "");
        return new AssertionFailedError(message, expectedWindow(), receivedWindow(null));
      }
      Bytes bytes = failedIn.bytes();
      Bytes line = bytes.slice(failedStart, failedEnd);
      String location = " (" + (manySources ? "line " + lineInSource + " of " + failedIn.name() + ", " : "")
          + "offset " + failedStart + ")";
      if (index >= expected.size()) {
        String message = head + "expected " + expected.size() + " lines, but line " + (index + 1) + location
            + " followed: " + HexDump.quotedAround(line, 0) + "\n" + failedIn.name() + " " + verb + ", as text:\n"
            + HexDump.textWindow(bytes, failedStart, failedStart);
        return new AssertionFailedError(message, expectedWindow(), receivedWindow(line));
      }
      Bytes wanted = expectedBytes.get(index);
      long column = wanted.mismatch(line);
      String message = head + "line " + (index + 1) + location + " differs at column " + (column + 1) + "\n"
          + HexDump.pointAt("expected line " + (index + 1), wanted, verb + " line " + (index + 1), line, column)
          + failedIn.name() + " " + verb + ", as text:\n"
          + HexDump.textWindow(bytes, failedStart + column, failedStart + column);
      return new AssertionFailedError(message, expectedWindow(), receivedWindow(line));
    }

    /** Expected lines around the failing one, numbered. */
    private String expectedWindow() {
      StringBuilder out = new StringBuilder();
      int from = Math.max(0, index - CONTEXT);
      for (int i = from; i < Math.min(expected.size(), index + CONTEXT + 1); i++) {
        out.append(i + 1).append(": ").append(HexDump.quotedAround(expectedBytes.get(i), 0)).append('\n');
      }
      return out.toString();
    }

    /** Received lines around the failing one, numbered as the expected ones. */
    private String receivedWindow(Bytes failing) {
      StringBuilder out = new StringBuilder();
      int number = index - before.size() + 1;
      for (Bytes line : before) {
        out.append(number++).append(": ").append(HexDump.quotedAround(line, 0)).append('\n');
      }
      if (failing != null) {
        out.append(number++).append(": ").append(HexDump.quotedAround(failing, 0)).append('\n');
        for (Bytes line : after) {
          out.append(number++).append(": ").append(HexDump.quotedAround(line, 0)).append('\n');
        }
      }
      return out.toString();
    }
  }

  /**
   * Fails unless {@code actual}, cut by {@code framing}, is exactly the frames {@code expected}
   * with no bytes left over. Frames are compared as they are cut, up to the first that differs; the
   * failure names that frame, its offset in the stream and the first differing payload offset.
   */
  public static AssertionFailedError frames(
      String subject, Direction direction, Framing framing, List<Bytes> expected, Bytes actual) {
    String verb = direction.verb();
    String head = subject + " " + verb + " other frames than expected (" + framing + "): ";
    List<Bytes> seen = new ArrayList<>();
    long at = 0;
    for (int i = 0; ; i++) {
      Bytes rest = actual.slice(at, actual.size());
      long end;
      try {
        end = framing.frameEnd(rest);
      } catch (IllegalArgumentException e) {
        return new AssertionFailedError(
            head + "frame " + (i + 1) + " (at offset " + at + ") is not a frame: " + e.getMessage() + "\n"
                + HexDump.excerpt(verb, actual, at, at));
      }
      if (end < 0) {
        if (i < expected.size()) {
          return new AssertionFailedError(
              head + "expected " + expected.size() + " frames, " + verb + " " + i + "; frame " + (i + 1) + " was expected"
                  + " next: " + HexDump.quotedAround(expected.get(i), 0)
                  + (rest.isEmpty() ? "" : "; " + HexDump.count(rest.size()) + " of an incomplete frame follow at offset "
                      + at + ":\n" + HexDump.excerpt(verb, actual, at, at)),
              frameWindow(expected, i), frameWindow(seen, seen.size()) + remainder(rest));
        }
        if (!rest.isEmpty()) {
          return new AssertionFailedError(
              head + "the frames match, but " + HexDump.count(rest.size()) + " of an incomplete frame follow at offset "
                  + at + ": " + HexDump.quotedAround(rest, 0) + "\n" + HexDump.excerpt(verb, actual, at, at),
              frameWindow(expected, i), frameWindow(seen, seen.size()) + remainder(rest));
        }
        return null;
      }
      Bytes frame = rest.first(end);
      Bytes payload = framing.payload(frame);
      seen.add(payload);
      if (seen.size() > 3) {
        seen.remove(0);
      }
      if (i >= expected.size()) {
        return new AssertionFailedError(
            head + "expected " + expected.size() + " frames, but frame " + (i + 1) + " (at offset " + at + ") followed: "
                + HexDump.quotedAround(payload, 0) + "\n" + HexDump.excerpt(verb, actual, at, at),
            frameWindow(expected, i), frameWindow(seen, seen.size() - 1));
      }
      long differs = payload.mismatch(expected.get(i));
      if (differs >= 0) {
        // A length header comes before the payload, a delimiter after it.
        long payloadStart = at + (frame.last(payload.size()).equals(payload) ? end - payload.size() : 0);
        return new AssertionFailedError(
            head + "frame " + (i + 1) + " (at offset " + at + ") differs at payload offset " + differs
                + " (offset " + (payloadStart + differs) + " of the stream)\n"
                + HexDump.pointAt("expected frame " + (i + 1), expected.get(i), verb + " frame " + (i + 1), payload, differs)
                + HexDump.excerpt(verb, actual, payloadStart + differs, payloadStart + differs),
            frameWindow(expected, i), frameWindow(seen, seen.size() - 1));
      }
      at += end;
    }
  }

  /** The frames shown for an IDE's diff: those before index {@code upTo} that were seen, and it. */
  private static String frameWindow(List<Bytes> frames, int upTo) {
    StringBuilder out = new StringBuilder();
    for (int i = Math.max(0, upTo - 2); i <= Math.min(upTo, frames.size() - 1); i++) {
      out.append(HexDump.quotedAround(frames.get(i), 0)).append('\n');
    }
    return out.toString();
  }

  private static String remainder(Bytes rest) {
    return rest.isEmpty() ? "" : "+ " + HexDump.quotedAround(rest, 0) + "\n";
  }

  /**
   * Fails unless {@code pattern} matches the whole text of {@code actual}. The failure shows where
   * the text stops being the start of a match, when that is found in bounded work: the whole text
   * if it could still have matched at its end, else the first {@value #REGEX_SEARCH} characters.
   */
  public static AssertionFailedError matching(String subject, Direction direction, Pattern pattern, Bytes actual) {
    String text = actual.text();
    if (pattern.matcher(text).matches()) {
      return null;
    }
    String verb = direction.verb();
    String head = subject + " " + verb + " text that does not match /" + pattern.pattern() + "/";
    long stops = regexStop(pattern, text);
    String where;
    long at;
    if (stops == text.length()) {
      at = actual.size();
      where = ": the text ended before the pattern did (" + HexDump.count(actual.size()) + ")";
    } else if (stops < 0) {
      at = actual.size();
      where = ": the first " + REGEX_SEARCH + " characters could start a match, so the mismatch is later; the end";
    } else {
      at = utf8Length(text, (int) stops);
      where = ": the text stops matching at offset " + at + where(actual, at);
    }
    String message = head + where + "\n" + HexDump.excerpt(verb, actual, at, at);
    return new RegexFailure(message, "/" + pattern.pattern() + "/",
        HexDump.forDiff(actual, at, HexDump.readsAsText(actual, at)), stops < 0 ? REGEX_SEARCH : stops);
  }

  /** How far into its text a failed {@link #matching} check could still have matched; 0 for others. */
  public static long regexReach(AssertionFailedError failure) {
    return failure instanceof RegexFailure regex ? regex.reach : 0;
  }

  /** A failed regex check that remembers how far the text could still have matched. */
  private static final class RegexFailure extends AssertionFailedError {
    private static final long serialVersionUID = 1L;
    private final long reach;

    RegexFailure(String message, Object expected, Object actual, long reach) {
      super(message, expected, actual);
      this.reach = reach;
    }
  }

  /** Characters of a text a failed regex looks at to find where the text stops matching. */
  private static final int REGEX_SEARCH = 1 << 20;

  /**
   * The length of the longest start of {@code text} that {@code pattern} could still extend to a
   * match (the whole length when the text ended too early), or -1 when that lies past {@link
   * #REGEX_SEARCH}. A binary search: a start the pattern could extend stays so when shortened.
   */
  private static long regexStop(Pattern pattern, String text) {
    if (viable(pattern, text, text.length())) {
      return text.length();
    }
    int low = 0;
    int high = Math.min(text.length(), REGEX_SEARCH);
    if (viable(pattern, text, high)) {
      return high == text.length() ? text.length() : -1;
    }
    while (high - low > 1) {
      int middle = (low + high) >>> 1;
      if (viable(pattern, text, middle)) {
        low = middle;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private static boolean viable(Pattern pattern, String text, int length) {
    Matcher matcher = pattern.matcher(text).region(0, length);
    return matcher.matches() ? length < text.length() : matcher.hitEnd();
  }

  private static long utf8Length(String text, int chars) {
    long bytes = 0;
    for (int i = 0; i < chars; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < chars) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** {@code ", line 3 column 7"} for offset {@code at} of text, or nothing for binary bytes. */
  private static String where(Bytes bytes, long at) {
    if (!HexDump.readsAsText(bytes, at) || at > 1 << 20) {
      // Counting lines costs a pass over the bytes before the offset; far in, the offset says enough.
      return "";
    }
    long[] line = {0};
    long[] lineStart = {0};
    Bytes before = bytes.first(at);
    Lines.scan(before, (start, end, terminated) -> {
      if (terminated) {
        line[0]++;
        lineStart[0] = before.byteAt(end) == '\r' ? end + 2 : end + 1;
      }
      return true;
    });
    return ", line " + (line[0] + 1) + " column " + (at - lineStart[0] + 1);
  }

  /**
   * The complete line of {@code bytes} nearest to {@code expected}: the one sharing the longest
   * start with it (the first of equals), or null when no line is complete.
   *
   * @param common bytes the line shares with the expected one from its start
   */
  public record NearLine(Bytes expected, Bytes line, int number, long offset, long common) {
    /** {@code line 3 (offset 40) differs at column 7} and the two lines with a caret. */
    public String describe() {
      return "line " + number + " (offset " + offset + ") differs at column " + (common + 1) + "\n"
          + HexDump.pointAt("expected", expected, "nearest", line, common);
    }
  }

  /** See {@link NearLine}; reads the lines in one pass, without a copy per line. */
  public static NearLine nearLine(Bytes bytes, String expected) {
    Bytes wanted = Bytes.of(expected);
    Lines.Near near = Lines.nearest(bytes, wanted.toByteArray(), false);
    return near == null ? null
        : new NearLine(wanted, bytes.slice(near.start(), near.end()), (int) near.number(), near.start(), near.common());
  }

  /** {@code "\nnearest line: line 3 (offset 40) differs …"}, or nothing when no line arrived. */
  public static String nearestLine(Bytes bytes, String expected) {
    NearLine near = nearLine(bytes, expected);
    return near == null ? "" : "\nnearest line: " + near.describe();
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

}
