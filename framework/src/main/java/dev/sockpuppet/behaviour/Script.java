package dev.sockpuppet.behaviour;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Framing;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.script.Expectation;
import dev.sockpuppet.internal.script.Expectations;
import dev.sockpuppet.internal.script.Step;
import dev.sockpuppet.internal.script.Template;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One side of a conversation, as data: what the fake expects to receive and what it sends, in
 * order. The same script plays a server's connections ({@code TcpServer.withScript}, {@code
 * UnixSocketServer.withScript}) or a client that connects to the program under test ({@code
 * TcpPeer}, {@code UnixSocketPeer}).
 *
 * <pre>{@code
 * Script login = Script.create()
 *     .sendLine("220 ready")
 *     .expectLineMatching("USER (\\w+)")
 *     .sendLine("331 password for ${1}")
 *     .expectLine("PASS secret").within(Duration.ofSeconds(2))
 *     .sendLine("230 welcome")
 *     .expectEof();
 * }</pre>
 *
 * <p><b>Expects</b> read from where the previous expect stopped and decide as early as they can:
 * a byte that differs fails the step at once, not after its timeout. Each waits at most the fake's
 * timeout, or what {@link #within} says. Lines end with LF; a CR before it is ignored. A regex
 * expect's groups can be used by the sends after it as {@code ${1}} or {@code ${name}} ({@code
 * $${} for a literal {@code ${}); references are checked when the script is built.
 *
 * <p><b>A failed step</b> is an {@link AssertionError} naming the fake, the connection, the step
 * number and its description, with what arrived instead as a hex and ASCII window, the first
 * differing offset or the line that came closest. On a server it is a problem of the fake (its
 * {@code verify()}, {@code stop()} and {@code close()} throw it) and the connection is closed; on
 * a peer it is thrown by {@code awaitFinished()} as well.
 *
 * <p><b>The end.</b> When the last step ran, the fake takes in what already arrived and closes the
 * connection, as when a {@link Handler} returns; end with {@link #expectEof()} to wait for the
 * program to close first, or {@link #stall()} to keep the connection open until the fake stops. A
 * script that did not get to its end — an expect still waiting, a connection that never came — is
 * unfinished, and the fake's {@code verify()} fails listing the steps left, unless the fake allows
 * unfinished scripts.
 *
 * <p>An immutable value: every method returns a new script, so one can be shared and extended.
 */
public final class Script {
  private static final Script EMPTY = new Script(List.of());
  /** The most steps a script may have, so that a runaway repeat fails clearly instead of exhausting the heap. */
  private static final int MAX_STEPS = 16 * 1024 * 1024;

  static {
    Access.setScripts(script -> script.steps);
  }

  private final List<Step> steps;

  private Script(List<Step> steps) {
    this.steps = steps;
  }

  /** A script without steps: it closes the connection at once, unless steps are added. */
  public static Script create() {
    return EMPTY;
  }

  // ---- expect ----

  /** Expects exactly {@code bytes} next. */
  public Script expectBytes(Bytes bytes) {
    Objects.requireNonNull(bytes, "bytes");
    requireNotEmpty(bytes, "expectBytes");
    return expect("expect " + HexDump.quoted(bytes), Expectations.exactly(bytes), null, bytes);
  }

  /** Expects exactly the UTF-8 encoding of {@code text} next. */
  public Script expectText(String text) {
    Objects.requireNonNull(text, "text");
    Bytes bytes = Bytes.of(text);
    requireNotEmpty(bytes, "expectText");
    return expect("expect text " + HexDump.quoted(bytes), Expectations.exactly(bytes), null, bytes);
  }

  /** Expects exactly the bytes written in hex next, e.g. {@code "0a 1b ff"} (spaces optional). */
  public Script expectHex(String hex) {
    Bytes bytes = Bytes.ofHex(Objects.requireNonNull(hex, "hex"));
    requireNotEmpty(bytes, "expectHex");
    return expect("expect hex " + bytes.hex(), Expectations.exactly(bytes), null, bytes);
  }

  /** Expects a line equal to {@code line} next: the text, then LF (a CR before the LF is ignored). */
  public Script expectLine(String line) {
    Objects.requireNonNull(line, "line");
    requireOneLine(line, "expectLine");
    return expect("expect line " + quote(line), Expectations.line(line), null, Bytes.of(line + "\n"));
  }

  /**
   * Expects a line that matches {@code regex} as a whole next; its groups are captured for the
   * sends that follow ({@code ${1}}, {@code ${name}}).
   */
  public Script expectLineMatching(String regex) {
    Pattern pattern = compile(regex);
    return expect("expect a line matching /" + escaped(regex) + "/", Expectations.lineMatching(pattern), groups(pattern), null);
  }

  /**
   * Expects text matching {@code regex} at the start of what arrived and not consumed yet, taken
   * as soon as it matches (as {@code expect(1)} does, so end a pattern with what ends the text,
   * e.g. {@code \r?\n}); its groups are captured for the sends that follow. At most 64 KiB are
   * searched; bytes that are not UTF-8 end the text the pattern sees.
   */
  public Script expectMatching(String regex) {
    Pattern pattern = compile(regex);
    return expect("expect text matching /" + escaped(regex) + "/", Expectations.matching(pattern), groups(pattern), null);
  }

  /** Expects {@code count} bytes of any value next. */
  public Script expectBytes(long count) {
    if (count < 1) {
      throw new IllegalArgumentException("expectBytes(count) needs a count of at least 1, got " + count);
    }
    return expect("expect any " + (count == 1 ? "1 byte" : count + " bytes"), Expectations.anyBytes(count), null, null);
  }

  /** Expects one complete frame of {@code framing} next, whatever its payload. */
  public Script expectFrame(Framing framing) {
    Objects.requireNonNull(framing, "framing");
    return expect("expect a frame (" + framing + ")", Expectations.frame(framing, null), null, null);
  }

  /** Expects one frame of {@code framing} next, with exactly {@code payload} as its payload. */
  public Script expectFrame(Framing framing, Bytes payload) {
    Objects.requireNonNull(framing, "framing");
    Objects.requireNonNull(payload, "payload");
    Bytes frame = framing.encode(payload);
    return expect(
        "expect a frame " + HexDump.quoted(payload) + " (" + framing + ")", Expectations.frame(framing, payload), null,
        frame);
  }

  /** {@link #expectFrame(Framing, Bytes)} with the UTF-8 encoding of {@code payload}. */
  public Script expectFrame(Framing framing, String payload) {
    Objects.requireNonNull(payload, "payload");
    return expectFrame(framing, Bytes.of(payload));
  }

  /** Expects the program to end its output (close or half-close) with nothing more before it. */
  public Script expectEof() {
    return expect("expect end of stream", Expectations.end(), null, null);
  }

  /**
   * Gives the expect before this call its own timeout instead of the fake's.
   *
   * @throws IllegalStateException if the step before is not an expect
   */
  public Script within(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Step.Expect last)) {
      throw new IllegalStateException("within(…) sets the timeout of the expect before it; " + lastStepDescription());
    }
    List<Step> changed = new ArrayList<>(steps);
    changed.set(changed.size() - 1, last.within(timeout));
    return new Script(List.copyOf(changed));
  }

  // ---- send ----

  /** Sends {@code bytes}. */
  public Script sendBytes(Bytes bytes) {
    Objects.requireNonNull(bytes, "bytes");
    requireNotEmpty(bytes, "sendBytes");
    return add(new Step.Send("send " + HexDump.quoted(bytes), captures -> bytes));
  }

  /** Sends the UTF-8 encoding of {@code text}, with {@code ${…}} filled from the latest regex expect. */
  public Script sendText(String text) {
    Objects.requireNonNull(text, "text");
    Template template = Template.parse(text, latestGroups());
    if (text.isEmpty()) {
      throw new IllegalArgumentException("sendText(\"\") sends nothing; remove the step");
    }
    return add(new Step.Send("send text " + quote(text), captures -> Bytes.of(template.fill(captures))));
  }

  /** Sends {@code line} and LF, with {@code ${…}} filled from the latest regex expect. */
  public Script sendLine(String line) {
    Objects.requireNonNull(line, "line");
    requireOneLine(line, "sendLine");
    Template template = Template.parse(line, latestGroups());
    return add(new Step.Send("send line " + quote(line), captures -> Bytes.of(template.fill(captures) + "\n")));
  }

  /** Sends the bytes written in hex, e.g. {@code "0a 1b ff"} (spaces optional). */
  public Script sendHex(String hex) {
    Bytes bytes = Bytes.ofHex(Objects.requireNonNull(hex, "hex"));
    requireNotEmpty(bytes, "sendHex");
    return add(new Step.Send("send hex " + bytes.hex(), captures -> bytes));
  }

  /** Sends {@code payload} as one frame of {@code framing}. */
  public Script sendFrame(Framing framing, Bytes payload) {
    Objects.requireNonNull(framing, "framing");
    Bytes frame = framing.encode(Objects.requireNonNull(payload, "payload"));
    return add(new Step.Send("send a frame " + HexDump.quoted(payload) + " (" + framing + ")", captures -> frame));
  }

  /** {@link #sendFrame(Framing, Bytes)} with the UTF-8 encoding of {@code payload}. */
  public Script sendFrame(Framing framing, String payload) {
    Objects.requireNonNull(payload, "payload");
    return sendFrame(framing, Bytes.of(payload));
  }

  // ---- the connection ----

  /** Waits {@code duration}, then goes on; the fake's stop ends the wait at once. */
  public Script pause(Duration duration) {
    Durations.requirePositive(duration, "pause");
    return add(new Step.Pause("pause " + Durations.describe(duration), duration));
  }

  /** Ends the fake's output (FIN on TCP): the program reads end-of-stream and may still send. */
  public Script halfClose() {
    return add(new Step.HalfClose("half-close"));
  }

  /** Closes the connection; no step may follow. */
  public Script close() {
    return add(new Step.Close("close"));
  }

  /** Resets the connection (RST on TCP: the program sees "connection reset"); no step may follow. */
  public Script reset() {
    return add(new Step.Reset("reset"));
  }

  /**
   * Holds the connection open and reads nothing until the fake stops, like a peer that hangs: the
   * program's writes back up and its reads time out. No step may follow; a script that reaches
   * its stall is finished.
   */
  public Script stall() {
    return add(new Step.Stall("stall (hold the connection open, read nothing)"));
  }

  /**
   * This script's steps, {@code times} times over: a heartbeat, a batch of identical requests.
   *
   * @throws IllegalStateException if the script ends with close, reset or stall, which cannot repeat
   */
  public Script repeat(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("repeat(times) needs at least 1, got " + times);
    }
    if (!steps.isEmpty() && Step.isFinal(steps.get(steps.size() - 1))) {
      throw new IllegalStateException(
          "a script that ends with \"" + steps.get(steps.size() - 1).description() + "\" cannot repeat");
    }
    long size = (long) steps.size() * times;
    if (size > MAX_STEPS) {
      throw new IllegalArgumentException(
          "repeating " + steps.size() + " steps " + times + " times makes " + size + " steps, more than " + MAX_STEPS);
    }
    List<Step> repeated = new ArrayList<>((int) size);
    for (int i = 0; i < times; i++) {
      repeated.addAll(steps);
    }
    return new Script(List.copyOf(repeated));
  }

  // ---- reading ----

  /** The steps in order, described as failure messages and {@code verify()} show them. */
  public List<String> steps() {
    List<String> described = new ArrayList<>();
    for (Step step : steps) {
      described.add(step.description());
    }
    return List.copyOf(described);
  }

  /** Whether the script has no steps. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Script other && steps().equals(other.steps());
  }

  @Override
  public int hashCode() {
    return steps().hashCode();
  }

  /** The numbered steps, one per line. */
  @Override
  public String toString() {
    if (steps.isEmpty()) {
      return "an empty script";
    }
    StringBuilder out = new StringBuilder("script of ").append(steps.size()).append(steps.size() == 1 ? " step:" : " steps:");
    for (int i = 0; i < steps.size(); i++) {
      out.append("\n  ").append(i + 1).append(". ").append(steps.get(i).description());
    }
    return out.toString();
  }

  // ---- building ----

  private Script expect(String description, Expectation expectation, Set<String> groups, Bytes expected) {
    return add(new Step.Expect(description, expectation, null, groups, expected));
  }

  private Script add(Step step) {
    if (!steps.isEmpty() && Step.isFinal(steps.get(steps.size() - 1))) {
      throw new IllegalStateException(
          "no step can follow \"" + steps.get(steps.size() - 1).description() + "\", which ends the script; "
              + "cannot add \"" + step.description() + "\"");
    }
    List<Step> more = new ArrayList<>(steps.size() + 1);
    more.addAll(steps);
    more.add(step);
    return new Script(List.copyOf(more));
  }

  /** The groups of the latest regex expect, or null if no regex expect came before. */
  private Set<String> latestGroups() {
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (steps.get(i) instanceof Step.Expect expect && expect.groups() != null) {
        return expect.groups();
      }
    }
    return null;
  }

  private String lastStepDescription() {
    return steps.isEmpty() ? "the script has no step yet" : "the last step is \"" + steps.get(steps.size() - 1).description() + "\"";
  }

  private static Pattern compile(String regex) {
    Objects.requireNonNull(regex, "regex");
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a valid regex: " + e.getMessage(), e);
    }
  }

  private static Set<String> groups(Pattern pattern) {
    Set<String> groups = new HashSet<>(Expectations.groupNames(pattern));
    int count = pattern.matcher("").groupCount();
    for (int i = 0; i <= count; i++) {
      groups.add(String.valueOf(i));
    }
    return Set.copyOf(groups);
  }

  private static void requireNotEmpty(Bytes bytes, String method) {
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException(method + "(…) needs at least one byte");
    }
  }

  private static void requireOneLine(String line, String method) {
    if (line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          method + "(…) takes one line without its line end; got " + quote(line) + " (use one call per line)");
    }
  }

  /** The text with control characters escaped, for a one-line step description. */
  private static String escaped(String text) {
    return HexDump.escaped(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String quote(String text) {
    return HexDump.quoted(Bytes.of(text.getBytes(StandardCharsets.UTF_8)));
  }
}
