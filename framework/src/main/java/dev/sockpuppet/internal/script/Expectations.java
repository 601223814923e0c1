package dev.sockpuppet.internal.script;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Framing;
import dev.sockpuppet.internal.HexDump;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The expectations a script can have, one factory each. */
public final class Expectations {
  /**
   * The longest line or regex match a script waits for. A program that sends more without a line
   * end is not sending the expected line, and an unbounded wait would hold an unbounded buffer.
   */
  public static final int MAX_TEXT = 64 * 1024;

  private static final Bytes LF = Bytes.of("\n");

  private Expectations() {}

  /** Exactly {@code expected} next. */
  public static Expectation exactly(Bytes expected) {
    return new Exactly(expected, false);
  }

  /**
   * Exact bytes. An attempt remembers how many of the unread bytes it already found equal to the
   * expected ones, and compares only what arrived since; the shared expectation (the step's, used
   * by every connection) remembers nothing.
   */
  private static final class Exactly implements Expectation {
    private final Bytes expected;
    private final boolean remembers;
    private long verified;

    Exactly(Bytes expected, boolean remembers) {
      this.expected = expected;
      this.remembers = remembers;
    }

    @Override
    public Expectation attempt() {
      return new Exactly(expected, true);
    }

    @Override
    public Outcome test(Bytes unread, boolean ended) {
      long compared = Math.min(unread.size(), expected.size());
      long from = Math.min(verified, compared);
      long differs = unread.slice(from, compared).mismatch(expected.slice(from, compared));
      if (differs >= 0) {
        return Outcome.mismatch(
            "the bytes differ at offset " + (from + differs) + " of the expected " + count(expected.size()),
            from + differs, null);
      }
      if (remembers) {
        verified = compared;
      }
      if (compared == expected.size()) {
        return Outcome.matched(expected.size());
      }
      if (ended) {
        return Outcome.mismatch(
            "the input ended after " + count(unread.size()) + " of the expected " + count(expected.size()),
            unread.size(), null);
      }
      return Outcome.waiting();
    }

    @Override
    public String nearestMiss(Bytes unread) {
      return unread.isEmpty() ? null : count(unread.size()) + " of the expected " + count(expected.size()) + " arrived";
    }
  }

  /** A line equal to {@code expected} next (LF-terminated, a CR before the LF ignored). */
  public static Expectation line(String expected) {
    return new LineExpectation() {
      @Override
      Outcome testLine(String line, long length) {
        if (line.equals(expected)) {
          return Outcome.matched(length);
        }
        long column = firstDifference(line, expected);
        return Outcome.mismatch("a different line arrived", column, "the line differs at column " + (column + 1) + "\n"
            + HexDump.pointAt("expected", Bytes.of(expected), "arrived", Bytes.of(line), column).stripTrailing());
      }
    };
  }

  /** A line matching {@code pattern} as a whole next; its groups become the captures. */
  public static Expectation lineMatching(Pattern pattern) {
    return new LineExpectation() {
      @Override
      Outcome testLine(String line, long length) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.matches()) {
          return Outcome.matched(length, captures(matcher, pattern));
        }
        return Outcome.mismatch("the line that arrived does not match /" + pattern + "/", -1,
            HexDump.quotedAround(Bytes.of(line), 0));
      }
    };
  }

  /**
   * Text matching {@code pattern} at the start of the unread bytes (as expect(1) does: the match
   * is taken as soon as there is one, so end a pattern with what ends the text, e.g. {@code \r?\n}).
   */
  public static Expectation matching(Pattern pattern) {
    return new Expectation() {
      @Override
      public Outcome test(Bytes unread, boolean ended) {
        String text = validUtf8Prefix(unread.first(MAX_TEXT + 1L));
        Matcher matcher = pattern.matcher(text);
        if (matcher.lookingAt()) {
          long consumed = text.substring(0, matcher.end()).getBytes(StandardCharsets.UTF_8).length;
          return Outcome.matched(consumed, captures(matcher, pattern));
        }
        boolean tooLong = unread.size() > MAX_TEXT;
        // Bytes that are not UTF-8 end the text the pattern sees; once four of them are there, no
        // further byte can make them a character, so waiting would not help.
        boolean blocked = unread.size() - text.getBytes(StandardCharsets.UTF_8).length >= 4;
        if (!matcher.hitEnd() || ended || tooLong || blocked) {
          return Outcome.mismatch(
              tooLong
                  ? "no match in the first " + MAX_TEXT + " bytes"
                  : ended ? "the input ended without a match" : "what arrived cannot match",
              -1, quoted(firstLine(text)));
        }
        return Outcome.waiting();
      }

      @Override
      public String nearestMiss(Bytes unread) {
        String text = validUtf8Prefix(unread.first(MAX_TEXT));
        return text.isEmpty() ? null : quoted(firstLine(text));
      }
    };
  }

  /** Any {@code count} bytes next. */
  public static Expectation anyBytes(long count) {
    return (unread, ended) -> {
      if (unread.size() >= count) {
        return Outcome.matched(count);
      }
      return ended
          ? Outcome.mismatch("the input ended after " + count(unread.size()) + " of " + count(count), unread.size(), null)
          : Outcome.waiting();
    };
  }

  /** One frame next; its payload equal to {@code payload} unless that is null. */
  public static Expectation frame(Framing framing, Bytes payload) {
    return new Expectation() {
      @Override
      public Outcome test(Bytes unread, boolean ended) {
        long end;
        try {
          end = framing.frameEnd(unread);
        } catch (IllegalArgumentException e) {
          return Outcome.mismatch("not a frame of " + framing + ": " + e.getMessage(), 0, null);
        }
        if (end < 0) {
          return ended
              ? Outcome.mismatch("the input ended inside a frame (" + framing + ")", unread.size(), null)
              : Outcome.waiting();
        }
        Bytes arrived = framing.payload(unread.first(end));
        if (payload == null || arrived.equals(payload)) {
          return Outcome.matched(end);
        }
        long differs = arrived.mismatch(payload);
        // A length header comes before the payload, a delimiter after it.
        long payloadStart = unread.slice(end - arrived.size(), end).equals(arrived) ? end - arrived.size() : 0;
        return Outcome.mismatch(
            "a frame with a different payload arrived (first difference at payload offset " + differs + ")",
            payloadStart + differs, "payload " + HexDump.quoted(arrived));
      }

      @Override
      public String nearestMiss(Bytes unread) {
        return unread.isEmpty() ? null : "an incomplete frame of " + count(unread.size()) + " so far";
      }
    };
  }

  /** The end of the input next, and no byte before it; one instance, so a player can tell it apart. */
  public static Expectation end() {
    return END;
  }

  private static final Expectation END =
      (unread, ended) -> {
        if (!unread.isEmpty()) {
          return Outcome.mismatch("bytes arrived instead of the end of the stream", 0, null);
        }
        return ended ? Outcome.matched(0) : Outcome.waiting();
      };

  /**
   * A line, bounded at {@link #MAX_TEXT}, tested once its LF arrived; the subclass judges each
   * complete line. An attempt remembers how many unread bytes it already searched for the LF, and
   * searches only what arrived since.
   */
  private abstract static class LineExpectation implements Expectation {
    private final boolean remembers;
    /** Unread bytes known to hold no LF, in an attempt; always 0 in the shared expectation. */
    private long searched;

    LineExpectation() {
      this(false);
    }

    private LineExpectation(boolean remembers) {
      this.remembers = remembers;
    }

    /** @param length the bytes the line takes, its terminator included */
    abstract Outcome testLine(String line, long length);

    @Override
    public Expectation attempt() {
      LineExpectation shared = this;
      return new LineExpectation(true) {
        @Override
        Outcome testLine(String line, long length) {
          return shared.testLine(line, length);
        }
      };
    }

    @Override
    public Outcome test(Bytes unread, boolean ended) {
      long window = Math.min(unread.size(), MAX_TEXT + 1L);
      long from = Math.min(searched, window);
      long lf = unread.slice(from, window).indexOf(LF);
      if (lf >= 0) {
        lf += from;
      } else if (remembers) {
        searched = window;
      }
      if (lf < 0) {
        if (unread.size() > MAX_TEXT) {
          return Outcome.mismatch(
              "no line end in the first " + MAX_TEXT + " bytes", -1, quoted(unread.first(200).text()) + "…");
        }
        if (!ended) {
          return Outcome.waiting();
        }
        if (unread.isEmpty()) {
          return Outcome.mismatch("the input ended before a line arrived", 0, null);
        }
        // The program ended its output after an unterminated last line: that is its last line.
        return testLine(stripCr(unread.text()), unread.size());
      }
      return testLine(stripCr(unread.first(lf).text()), lf + 1);
    }

    @Override
    public String nearestMiss(Bytes unread) {
      return unread.isEmpty() ? null : "an unfinished line " + quoted(unread.first(200).text());
    }
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static Map<String, String> captures(Matcher matcher, Pattern pattern) {
    Map<String, String> groups = new HashMap<>();
    for (int i = 0; i <= matcher.groupCount(); i++) {
      String group = matcher.group(i);
      groups.put(String.valueOf(i), group == null ? "" : group);
    }
    for (String name : groupNames(pattern)) {
      String group = matcher.group(name);
      groups.put(name, group == null ? "" : group);
    }
    return groups;
  }

  /** The named groups of {@code pattern}. */
  public static Set<String> groupNames(Pattern pattern) {
    Set<String> names = new HashSet<>();
    Matcher named = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>").matcher(pattern.pattern());
    while (named.find()) {
      names.add(named.group(1));
    }
    return names;
  }

  /** The longest prefix of {@code bytes} that is valid UTF-8, decoded. */
  static String validUtf8Prefix(Bytes bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes.toByteArray());
    CharBuffer out = CharBuffer.allocate(in.remaining());
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      decoder.flush(out);
    }
    out.flip();
    return out.toString();
  }

  private static String firstLine(String text) {
    int lf = text.indexOf('\n');
    String line = lf < 0 ? text : text.substring(0, lf + 1);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static long firstDifference(String a, String b) {
    int common = Math.min(a.length(), b.length());
    for (int i = 0; i < common; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return a.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return a.substring(0, common).getBytes(StandardCharsets.UTF_8).length;
  }

  static String quoted(String text) {
    return "\"" + HexDump.escaped(text.getBytes(StandardCharsets.UTF_8)) + "\"";
  }

  private static String count(long bytes) {
    return bytes == 1 ? "1 byte" : bytes + " bytes";
  }
}
