package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.script.Expectations;
import dev.sockpuppet.internal.script.Outcome;
import dev.sockpuppet.internal.script.Step;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Script} played over the datagrams a datagram fake receives, in the order they arrive
 * (after the faults from the program). An expect step takes exactly one whole datagram: it matches
 * when its expectation takes every byte of it (a line needs no line end: a datagram is its own
 * frame). The send steps after it reply to that datagram's sender, one datagram each; a pause waits
 * on the receive thread, so later datagrams queue in the socket meanwhile, as behind a slow host.
 * A step's timeout runs from the end of the step before (from the start for the first): a datagram
 * that comes later fails the step, and an expect still waiting at {@code verify()} is unfinished.
 *
 * <p>The first datagram that does not match fails its step, as a problem of the fake that names the
 * step and shows the datagram; the script then stops, and the fake goes on recording. Steps that
 * need a connection (half-close, close, reset, stall, end of stream) are refused when the fake is
 * configured, as is a script that does not start with an expect (a send would have nobody to go
 * to).
 */
public final class DatagramScriptPlayer implements DatagramEngine.Receiver {
  private final String fake;
  private final List<Step> steps;
  private final Duration defaultTimeout;
  private final Problems problems;
  private final ScriptProgress progress;
  /** Guarded by this. */
  private int step;
  private boolean over;
  private long stepStarted = System.nanoTime();
  private Map<String, String> captures = Map.of();

  /**
   * @param fake the fake's description, for messages
   * @param script a script {@link #check checked} for datagrams
   */
  public DatagramScriptPlayer(String fake, Script script, Duration defaultTimeout, Problems problems, boolean unfinishedAllowed) {
    this.fake = fake;
    this.steps = Access.scripts().steps(script);
    this.defaultTimeout = defaultTimeout;
    this.problems = problems;
    this.progress = new ScriptProgress(fake, steps);
    if (steps.isEmpty()) {
      over = true;
      progress.finished();
    }
    if (!unfinishedAllowed) {
      problems.pending(() -> {
        String pending = progress.pending();
        return pending == null ? List.of() : List.of(pending);
      });
    }
  }

  /**
   * Fails unless every step of {@code script} makes sense for datagrams.
   *
   * @throws IllegalArgumentException naming the first step that does not, and why
   */
  public static void check(Script script) {
    List<Step> steps = Access.scripts().steps(script);
    boolean expected = false;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String why = null;
      if (step instanceof Step.HalfClose || step instanceof Step.Close || step instanceof Step.Reset || step instanceof Step.Stall) {
        why = "datagrams have no connection to " + step.description();
      } else if (step instanceof Step.Expect expect && expect.expectation() == Expectations.end()) {
        why = "datagrams have no end of stream to expect";
      } else if (!expected && !(step instanceof Step.Expect)) {
        why = "a datagram fake's script starts with an expect, since it acts on what the program sends"
            + (step instanceof Step.Send ? " (a send replies to the sender of the datagram an expect took)" : "");
      }
      if (why != null) {
        throw new IllegalArgumentException(
            "step " + (i + 1) + " (" + step.description() + ") cannot be played by a datagram fake: " + why);
      }
      expected |= step instanceof Step.Expect;
    }
  }

  @Override
  public void received(Datagram datagram, SocketAddress replyTo, DatagramEngine engine) throws IOException {
    synchronized (this) {
      if (over) {
        return;
      }
      Step.Expect expect = (Step.Expect) steps.get(step);
      Duration timeout = expect.timeout() != null ? expect.timeout() : defaultTimeout;
      long waited = System.nanoTime() - stepStarted;
      if (waited > timeout.toNanos()) {
        fail("no datagram came within " + Durations.describe(timeout)
            + (expect.timeout() != null ? " (the step's timeout)" : " (the fake's timeout)")
            + "; the next one came after " + Durations.describe(Duration.ofNanos(waited)), datagram, -1);
        return;
      }
      Outcome outcome = expect.expectation().attempt().test(datagram.bytes(), true);
      if (!outcome.isMatch()) {
        fail(outcome.mismatch(), datagram, outcome.differsAt());
        return;
      }
      if (outcome.consumed() != datagram.size()) {
        fail("the datagram is " + datagram.size() + " bytes and the step took " + outcome.consumed()
            + "; an expect takes a whole datagram", datagram, outcome.consumed());
        return;
      }
      if (expect.groups() != null) {
        captures = outcome.captures();
      }
      playUntilNextExpect(replyTo, engine, datagram, step + 1);
    }
  }

  /**
   * Sends and pauses up to the next expect or the end; on the receive thread, under this lock. A
   * step counts as done before its datagram leaves: the program may read it and the test call
   * {@code verify()} before {@code send} returns. A send that then fails is reported by the engine.
   */
  private void playUntilNextExpect(SocketAddress replyTo, DatagramEngine engine, Datagram from, int first)
      throws IOException {
    advanceTo(first);
    while (!over && !(steps.get(step) instanceof Step.Expect)) {
      Step next = steps.get(step);
      if (next instanceof Step.Send send) {
        if (replyTo == null) {
          fail("the datagram the last expect took came from a socket without an address (an unbound Unix"
              + " datagram socket), so there is nobody to send to", from, -1);
          return;
        }
        Bytes bytes = send.bytes().apply(captures);
        advanceTo(step + 1);
        engine.send(replyTo, ByteBuffer.wrap(bytes.toByteArray()));
      } else if (next instanceof Step.Pause pause) {
        long end = System.nanoTime() + pause.duration().toNanos();
        long left;
        // The stop wakes the receive thread; a pause then ends at once.
        while (!engine.stopping() && (left = end - System.nanoTime()) > 0) {
          LockSupport.parkNanos(this, left);
        }
        if (engine.stopping()) {
          return; // unfinished: the fake stopped during the pause
        }
        advanceTo(step + 1);
      }
    }
    stepStarted = System.nanoTime();
  }

  /** Makes {@code index} the current step; past the last one, the script is finished. */
  private void advanceTo(int index) {
    step = index;
    if (step == steps.size()) {
      over = true;
      progress.finished();
    } else {
      progress.at(step);
    }
  }

  private void fail(String why, Datagram datagram, long differsAt) {
    over = true;
    progress.failed();
    StringBuilder message = new StringBuilder()
        .append(fake).append(": script step ").append(step + 1).append(" of ").append(steps.size())
        .append(" failed: ").append(steps.get(step).description())
        .append("\n  why: ").append(why)
        .append("\n  the datagram: #").append(datagram.index()).append(" from ").append(datagram.sender())
        .append(", ").append(datagram.size()).append(datagram.size() == 1 ? " byte" : " bytes");
    if (!datagram.bytes().isEmpty()) {
      long at = Math.max(0, differsAt);
      message.append(":\n");
      for (String row : HexDump.excerpt("datagram #" + datagram.index(), datagram.bytes(), at, differsAt < 0 ? -1 : at)
          .split("\n", -1)) {
        if (!row.isEmpty()) {
          message.append("    ").append(row).append('\n');
        }
      }
      message.setLength(message.length() - 1);
    }
    message.append("\n  steps:");
    for (int i = 0; i < steps.size(); i++) {
      message.append("\n    ").append(i < step ? "done " : i == step ? "FAILED " : "not run ")
          .append(i + 1).append(". ").append(steps.get(i).description());
    }
    problems.add(message.toString(), null);
  }
}
