package dev.sockpuppet;

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
 * <p>Lines end at LF; a CR before it is not part of the line, and replies end the way the line
 * did (CRLF or LF). Rules are tried in order and the first that matches answers. A line that no
 * rule matches gets no answer and is reported by the server's {@code verify()} and {@code
 * close()}, so an unexpected request fails the test like an unmet mock expectation; {@link
 * #otherwise(String)} answers such lines instead. A partial line left when the peer half-closes is
 * matched like a complete one.
 *
 * <p>Immutable: each method returns a new value.
 */
public final class LineRules {
  private final List<Rule> rules;
  private final Rule otherwise;

  private LineRules(List<Rule> rules, Rule otherwise) {
    this.rules = List.copyOf(rules);
    this.otherwise = otherwise;
  }

  /** No rules yet. */
  public static LineRules create() {
    return new LineRules(List.of(), null);
  }

  /** A rule for lines equal to {@code line}. */
  public When when(String line) {
    Objects.requireNonNull(line, "line");
    return new When("\"" + line + "\"", Pattern.compile(Pattern.quote(line)), false);
  }

  /**
   * A rule for lines that the regular expression matches as a whole; replies may refer to its
   * groups as {@code $1} or {@code ${name}}.
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
    return new LineRules(rules, new Rule("anything else", Pattern.compile(".*", Pattern.DOTALL), line -> List.of(reply), false, false));
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

    /** Replies with one line (for a pattern rule, {@code $1} and {@code ${name}} are expanded). */
    public LineRules reply(String line) {
      return replyLines(line);
    }

    /** Replies with several lines. */
    public LineRules replyLines(String... lines) {
      List<String> replies = List.of(lines);
      return add(line -> replies, false);
    }

    /** Replies with the line that {@code answer} computes from the received line. */
    public LineRules reply(UnaryOperator<String> answer) {
      Objects.requireNonNull(answer, "answer");
      return addComputed(line -> List.of(answer.apply(line)), false);
    }

    /** Replies with one line, then shuts down the fake's output (the peer reads end-of-stream). */
    public LineRules replyAndClose(String line) {
      return add(l -> List.of(line), true);
    }

    /** Accepts matching lines without answering them (they are recorded, not reported). */
    public LineRules ignore() {
      return add(line -> List.of(), false);
    }

    private LineRules add(Function<String, List<String>> replies, boolean close) {
      return addRule(new Rule(description, pattern, replies, close, expandGroups));
    }

    private LineRules addComputed(Function<String, List<String>> replies, boolean close) {
      return addRule(new Rule(description, pattern, replies, close, false));
    }

    private LineRules addRule(Rule rule) {
      List<Rule> more = new ArrayList<>(rules);
      more.add(rule);
      return new LineRules(more, otherwise);
    }
  }

  private static final class Rule {
    final String description;
    final Pattern pattern;
    final Function<String, List<String>> replies;
    final boolean close;
    final boolean expandGroups;

    Rule(
        String description,
        Pattern pattern,
        Function<String, List<String>> replies,
        boolean close,
        boolean expandGroups) {
      this.description = description;
      this.pattern = pattern;
      this.replies = replies;
      this.close = close;
      this.expandGroups = expandGroups;
    }

    /** The reply lines for {@code line}, or null when the rule does not match it. */
    List<String> answer(String line) {
      Matcher matcher = pattern.matcher(line);
      if (!matcher.matches()) {
        return null;
      }
      List<String> answers = replies.apply(line);
      if (!expandGroups) {
        return answers;
      }
      List<String> expanded = new ArrayList<>(answers.size());
      for (String answer : answers) {
        StringBuilder out = new StringBuilder();
        matcher.reset();
        matcher.find();
        matcher.appendReplacement(out, answer);
        expanded.add(out.toString());
      }
      return expanded;
    }
  }

  /** Splits one connection's input into lines and answers them. */
  static final class Reaction implements dev.sockpuppet.Reaction {
    private final LineRules rules;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    Reaction(LineRules rules) {
      this.rules = rules;
    }

    @Override
    public void received(LiveConnection connection, Bytes chunk) throws IOException {
      byte[] bytes = chunk.toByteArray();
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          partial.write(bytes, start, i - start);
          start = i + 1;
          byte[] line = partial.toByteArray();
          partial.reset();
          boolean crlf = line.length > 0 && line[line.length - 1] == '\r';
          String text = new String(line, 0, crlf ? line.length - 1 : line.length, StandardCharsets.UTF_8);
          if (answer(connection, text, crlf ? "\r\n" : "\n")) {
            return;
          }
        }
      }
      partial.write(bytes, start, bytes.length - start);
    }

    @Override
    public void peerHalfClosed(LiveConnection connection) throws IOException {
      if (partial.size() > 0) {
        String text = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (answer(connection, text, "\n")) {
          return;
        }
      }
      connection.close();
    }

    /** Answers one line; returns true when the rule closed the fake's output. */
    private boolean answer(LiveConnection connection, String line, String terminator) throws IOException {
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
      connection.unmatchedLine(line);
      return false;
    }
  }
}
