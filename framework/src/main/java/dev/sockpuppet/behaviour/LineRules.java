package dev.sockpuppet.behaviour;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.engine.ConnectionIo;
import dev.sockpuppet.internal.engine.Reaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * "When a line matches X, reply Y" rules for {@link Responder#lines(LineRules)}.
 *
 * <pre>{@code
 * LineRules rules = LineRules.create()
 *     .when("PING").reply("PONG")
 *     .whenMatches("GET (\\w+)").reply("VALUE $1")
 *     .when("QUIT").replyAndClose("BYE");
 * }</pre>
 *
 * <p>Lines end at LF; a CR before it is not part of the line, and replies end the way the line did
 * (CRLF or LF). Rules are tried in order and the first that matches answers. A line that no rule
 * matches gets no answer and is reported by the fake's {@code verify()} and {@code close()}, so an
 * unexpected request fails the test like an unmet mock expectation; {@link #otherwise(String)}
 * answers such lines instead. A partial line left when the program half-closes is matched like a
 * complete one (without a trailing CR). After a {@link When#replyAndClose(String) replyAndClose}
 * the fake answers nothing more on that connection; what still arrives is recorded.
 *
 * <p><b>Bounded.</b> A line is held until its LF arrives, at most {@link #DEFAULT_MAX_LINE_LENGTH}
 * bytes unless {@link #withMaxLineLength(int)} says otherwise. A longer line is not answered: it is
 * reported as a problem (with its first bytes, not all of them) and skipped up to its LF, while the
 * recording keeps every byte.
 *
 * <p>Immutable: each method returns a new value.
 */
public final class LineRules {
  /** The longest line held for matching unless {@link #withMaxLineLength(int)} says otherwise: 64 KiB. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

  private static final Pattern GROUP_NUMBER = Pattern.compile("(?<!\\\\)\\$(\\d+)");
  private static final Pattern GROUP_NAME = Pattern.compile("(?<!\\\\)\\$\\{([a-zA-Z][a-zA-Z0-9]*)\\}");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private final List<Rule> rules;
  private final Rule otherwise;
  private final int maxLineLength;

  private LineRules(List<Rule> rules, Rule otherwise, int maxLineLength) {
    this.rules = List.copyOf(rules);
    this.otherwise = otherwise;
    this.maxLineLength = maxLineLength;
  }

  /** No rules yet. */
  public static LineRules create() {
    return new LineRules(List.of(), null, DEFAULT_MAX_LINE_LENGTH);
  }

  /** A rule for lines equal to {@code line}. */
  public When when(String line) {
    Objects.requireNonNull(line, "line");
    return new When("\"" + line + "\"", Pattern.compile(Pattern.quote(line)), false);
  }

  /**
   * A rule for lines that the regular expression matches as a whole; replies may refer to its
   * groups as {@code $1} or {@code ${name}} (write {@code \$} for a dollar sign).
   *
   * @throws IllegalArgumentException if {@code regex} is not a valid pattern
   */
  public When whenMatches(String regex) {
    Objects.requireNonNull(regex, "regex");
    try {
      return whenMatches(Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a valid regular expression for a line rule: " + e.getMessage(), e);
    }
  }

  /** A rule for lines that {@code pattern} matches as a whole; replies may refer to its groups. */
  public When whenMatches(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return new When("/" + pattern.pattern() + "/", pattern, true);
  }

  /** Answers every line no rule matched with {@code reply}, instead of reporting it. */
  public LineRules otherwise(String reply) {
    Objects.requireNonNull(reply, "reply");
    return new LineRules(
        rules, new Rule("anything else", Pattern.compile(".*", Pattern.DOTALL), line -> List.of(reply), false, false, false),
        maxLineLength);
  }

  /**
   * Holds lines of up to {@code bytes} bytes (without their terminator) for matching; see the class
   * comment for what happens to longer ones.
   *
   * @throws IllegalArgumentException unless {@code bytes} is positive
   */
  public LineRules withMaxLineLength(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the longest line must be at least 1 byte, got " + bytes);
    }
    return new LineRules(rules, otherwise, bytes);
  }

  /** The longest line these rules hold for matching, in bytes. */
  public int maxLineLength() {
    return maxLineLength;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Rule rule : rules) {
      parts.add(rule.description);
    }
    if (otherwise != null) {
      parts.add("otherwise");
    }
    return parts.toString();
  }

  Reaction newReaction() {
    return new LineReaction(this);
  }

  /** Whether a rule answers with a function of the user's (see {@link Responder}'s threads). */
  boolean runsUserCode() {
    return rules.stream().anyMatch(rule -> rule.userCode);
  }

  /** The second half of a rule: what to do with a matching line. */
  public final class When {
    private final String description;
    private final Pattern pattern;
    private final boolean expandGroups;

    private When(String description, Pattern pattern, boolean expandGroups) {
      this.description = description;
      this.pattern = pattern;
      this.expandGroups = expandGroups;
    }

    /**
     * Replies with one line (for a pattern rule, {@code $1} and {@code ${name}} are expanded).
     *
     * @throws IllegalArgumentException if the reply refers to a group the pattern does not have
     */
    public LineRules reply(String line) {
      return replyLines(line);
    }

    /** Replies with several lines. */
    public LineRules replyLines(String... lines) {
      List<String> replies = List.of(lines);
      replies.forEach(this::checkGroups);
      return add(line -> replies, false, expandGroups, false);
    }

    /** Replies with the line that {@code answer} computes from the received line. */
    public LineRules reply(UnaryOperator<String> answer) {
      Objects.requireNonNull(answer, "answer");
      return add(line -> List.of(answer.apply(line)), false, false, true);
    }

    /**
     * Replies with one line, then shuts down the fake's output (the program reads end-of-stream);
     * later lines on the connection are recorded and not answered.
     */
    public LineRules replyAndClose(String line) {
      checkGroups(line);
      return add(l -> List.of(line), true, expandGroups, false);
    }

    /** Accepts matching lines without answering them (they are recorded, not reported). */
    public LineRules ignore() {
      return add(line -> List.of(), false, false, false);
    }

    private LineRules add(Function<String, List<String>> replies, boolean close, boolean expand, boolean userCode) {
      List<Rule> more = new ArrayList<>(rules);
      more.add(new Rule(description, pattern, replies, close, expand, userCode));
      return new LineRules(more, otherwise, maxLineLength);
    }

    /** A reference to a group the pattern lacks would fail on every matching line; fail now instead. */
    private void checkGroups(String reply) {
      Objects.requireNonNull(reply, "reply");
      if (!expandGroups) {
        return;
      }
      int groups = pattern.matcher("").groupCount();
      Matcher number = GROUP_NUMBER.matcher(reply);
      while (number.find()) {
        int group = Integer.parseInt(number.group(1));
        if (group > groups) {
          throw new IllegalArgumentException(
              "the reply \"" + reply + "\" refers to group $" + group + ", but " + description + " has "
                  + groups + (groups == 1 ? " group" : " groups") + "; write \\$ for a dollar sign");
        }
      }
      List<String> names = new ArrayList<>();
      Matcher named = NAMED_GROUP.matcher(pattern.pattern());
      while (named.find()) {
        names.add(named.group(1));
      }
      Matcher name = GROUP_NAME.matcher(reply);
      while (name.find()) {
        if (!names.contains(name.group(1))) {
          throw new IllegalArgumentException(
              "the reply \"" + reply + "\" refers to the group ${" + name.group(1) + "}, but " + description
                  + " has no group of that name; its named groups are " + names);
        }
      }
    }
  }

  private static final class Rule {
    final String description;
    final Pattern pattern;
    final Function<String, List<String>> replies;
    final boolean close;
    final boolean expandGroups;
    /** Whether the replies come from the user's function rather than from fixed lines. */
    final boolean userCode;

    Rule(
        String description,
        Pattern pattern,
        Function<String, List<String>> replies,
        boolean close,
        boolean expandGroups,
        boolean userCode) {
      this.description = description;
      this.pattern = pattern;
      this.replies = replies;
      this.close = close;
      this.expandGroups = expandGroups;
      this.userCode = userCode;
    }

    /** The reply lines for {@code line}, or null when the rule does not match it. */
    List<String> answer(String line) {
      if (!pattern.matcher(line).matches()) {
        return null;
      }
      List<String> answers = replies.apply(line);
      if (!expandGroups) {
        return answers;
      }
      List<String> expanded = new ArrayList<>(answers.size());
      for (String answer : answers) {
        // The groups must come from the whole-line match: a find() after it may match less (a
        // reluctant group), so every reply expands against a match of its own.
        Matcher matcher = pattern.matcher(line);
        matcher.matches();
        StringBuilder out = new StringBuilder();
        matcher.appendReplacement(out, answer);
        expanded.add(out.toString());
      }
      return expanded;
    }
  }

  /** Splits one connection's input into lines and answers them. */
  private static final class LineReaction implements Reaction {
    private final LineRules rules;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** A line went past the limit: everything up to its LF is skipped. */
    private boolean skipping;
    /** A rule closed the fake's output: nothing more is answered. */
    private boolean done;

    LineReaction(LineRules rules) {
      this.rules = rules;
    }

    @Override
    public void received(ConnectionIo connection, Bytes chunk) throws IOException {
      if (done) {
        return;
      }
      byte[] bytes = chunk.toByteArray();
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] != '\n') {
          continue;
        }
        hold(connection, bytes, start, i - start);
        start = i + 1;
        // The LF ends an over-long line too (held up to now or found too long just now).
        boolean tooLong = skipping;
        skipping = false;
        byte[] line = partial.toByteArray();
        partial.reset();
        if (tooLong) {
          continue;
        }
        boolean crlf = line.length > 0 && line[line.length - 1] == '\r';
        if (answer(connection, line, crlf ? line.length - 1 : line.length, crlf ? "\r\n" : "\n")) {
          done = true;
          return;
        }
      }
      hold(connection, bytes, start, bytes.length - start);
    }

    @Override
    public void peerHalfClosed(ConnectionIo connection) throws IOException {
      if (!done && !skipping && partial.size() > 0) {
        byte[] line = partial.toByteArray();
        partial.reset();
        int length = line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        if (answer(connection, line, length, "\n")) {
          return;
        }
      }
      connection.close();
    }

    /** Adds bytes to the pending line, unless it went past the limit (then it is reported once). */
    private void hold(ConnectionIo connection, byte[] bytes, int from, int count) {
      if (skipping || count == 0) {
        return;
      }
      // One more byte than the limit is allowed for a CR that the LF may follow.
      if (partial.size() + count > rules.maxLineLength + 1) {
        int room = Math.max(0, Math.min(count, 64 - partial.size()));
        partial.write(bytes, from, room);
        connection.reportProblem(
            connection.record() + " received a line longer than " + rules.maxLineLength
                + " bytes (the longest the line rules hold; see LineRules.withMaxLineLength); it is not answered,"
                + " and the rest of it is skipped. It starts with " + HexDump.quoted(Bytes.of(partial.toByteArray())));
        partial.reset();
        skipping = true;
        return;
      }
      partial.write(bytes, from, count);
    }

    /** Answers one line; returns true when the rule closed the fake's output. */
    private boolean answer(ConnectionIo connection, byte[] bytes, int length, String terminator) throws IOException {
      String line = new String(bytes, 0, length, StandardCharsets.UTF_8);
      List<Rule> candidates = new ArrayList<>(rules.rules);
      if (rules.otherwise != null) {
        candidates.add(rules.otherwise);
      }
      for (Rule rule : candidates) {
        List<String> replies = rule.answer(line);
        if (replies == null) {
          continue;
        }
        StringBuilder out = new StringBuilder();
        for (String reply : replies) {
          out.append(reply).append(terminator);
        }
        if (out.length() > 0) {
          connection.write(out.toString());
        }
        if (rule.close) {
          connection.shutdownOutput();
          return true;
        }
        return false;
      }
      connection.reportProblem(
          connection.record() + " received a line no rule matches: " + HexDump.quoted(Bytes.of(bytes, 0, length)));
      return false;
    }
  }
}
