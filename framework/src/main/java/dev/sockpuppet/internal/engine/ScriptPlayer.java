package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.LiveConnection;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.recording.Segment;
import dev.sockpuppet.internal.script.Expectation;
import dev.sockpuppet.internal.script.Expectations;
import dev.sockpuppet.internal.script.Outcome;
import dev.sockpuppet.internal.script.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Plays a script's steps on one connection, on the connection's thread. An expect reads (bounded)
 * until its expectation decides; a send writes through the connection, so it is recorded as far as
 * it got; pauses and stalls end when the fake stops (it interrupts this thread).
 *
 * <p>A connection that a configured fault ends (close or reset after N bytes) ends the script
 * there without a failure: the test asked for it. A step that fails is reported once, as a problem of the fake with the full explanation, and
 * thrown as a {@link ScriptFailure}; the runner then closes the connection. A failure the fake's
 * stop caused (a read woken by the close, an interrupt) is not the script's and is rethrown as it
 * is, for the runner to treat as the stop.
 */
final class ScriptPlayer implements Handler {
  /** How often a stall looks whether the connection is still open, besides being interrupted. */
  private static final long STALL_CHECK_MILLIS = 1000;

  private final List<Step> steps;
  private final ScriptProgress progress;
  private final Problems problems;
  private final BooleanSupplier stopping;
  private Map<String, String> captures = Map.of();

  ScriptPlayer(List<Step> steps, ScriptProgress progress, Problems problems, BooleanSupplier stopping) {
    this.steps = steps;
    this.progress = progress;
    this.problems = problems;
    this.stopping = stopping;
  }

  @Override
  public void handle(LiveConnection live) throws Exception {
    ConnectionIo io = (ConnectionIo) live;
    for (int i = 0; i < steps.size(); i++) {
      progress.at(i);
      Step step = steps.get(i);
      try {
        if (!play(io, i, step)) {
          break;
        }
      } catch (ScriptFailure | InterruptedException e) {
        throw e;
      } catch (IOException e) {
        if (stopping.getAsBoolean()) {
          throw e;
        }
        if (io.endedByFault() != null) {
          // A fault the test asked for ended the connection: the conversation ends here, as configured.
          progress.finished();
          throw e;
        }
        throw fail(io, i, "the " + (step instanceof Step.Send ? "write" : "connection") + " failed: " + e.getMessage(),
            null, -1, null);
      }
    }
    progress.finished();
  }

  /** Plays one step; false when it ended the script (close, reset, stall). */
  private boolean play(ConnectionIo io, int index, Step step) throws IOException, InterruptedException {
    if (step instanceof Step.Expect expect) {
      expect(io, index, expect);
    } else if (step instanceof Step.Send send) {
      io.write(send.bytes().apply(captures));
    } else if (step instanceof Step.Pause pause) {
      TimeUnit.NANOSECONDS.sleep(pause.duration().toNanos());
    } else if (step instanceof Step.HalfClose) {
      io.shutdownOutput();
    } else if (step instanceof Step.Close) {
      progress.finished();
      io.close();
      return false;
    } else if (step instanceof Step.Reset) {
      progress.finished();
      io.reset();
      return false;
    } else if (step instanceof Step.Stall) {
      progress.finished();
      while (io.transportOpen()) {
        // Reads nothing: the fake's stop interrupts this sleep; the check catches a close without one.
        TimeUnit.MILLISECONDS.sleep(STALL_CHECK_MILLIS);
      }
      return false;
    }
    return true;
  }

  private void expect(ConnectionIo io, int index, Step.Expect expect) throws IOException, InterruptedException {
    Duration timeout = expect.timeout() != null ? expect.timeout() : io.readTimeout();
    // The clock is read once per step while nothing arrived; reads take the deadline as it is.
    long now = System.nanoTime();
    boolean nowIsCurrent = true;
    long deadline = now + timeout.toNanos();
    Expectation attempt = expect.expectation().attempt();
    Bytes unread = io.unread();
    while (true) {
      boolean ended = io.inputEndedAnyway();
      Outcome outcome = attempt.test(unread, ended);
      if (outcome.isMatch()) {
        if (ended && unread.size() == outcome.consumed() && expect.expectation() == Expectations.end()
            && io.record().resetBy().orElse(null) == Side.PEER) {
          throw fail(io, index, "the program reset the connection instead of closing it", expect, 0, null);
        }
        io.consume(outcome.consumed());
        if (expect.groups() != null) {
          captures = outcome.captures();
        }
        return;
      }
      if (outcome.isMismatch()) {
        throw fail(io, index, outcome.mismatch(), expect, outcome.differsAt(), outcome.nearestMiss());
      }
      if (!nowIsCurrent) {
        now = System.nanoTime();
      }
      nowIsCurrent = false;
      if (deadline - now <= 0) {
        String why = "nothing that matched arrived within " + Durations.describe(timeout)
            + (expect.timeout() != null ? " (the step's timeout)" : " (the fake's timeout)");
        throw fail(io, index, why, expect, -1, attempt.nearestMiss(unread));
      }
      Segment read = io.readChunkBy(deadline);
      if (Thread.interrupted()) {
        throw new InterruptedException(io.record() + " was interrupted in step " + (index + 1));
      }
      // Nothing was unread before, and only this thread reads: what arrived is all that is unread.
      unread = unread.isEmpty() && read != null ? Access.bytes().of(new Segment[] {read}) : io.unread();
    }
  }

  /**
   * Reports the failed step as a problem and returns the error to throw. When the fake is
   * stopping, the step did not fail: the stop closed its connection (which also ends the input), so
   * nothing is reported and the script stays unfinished at this step.
   */
  private ScriptFailure fail(
      ConnectionIo io, int index, String why, Step.Expect expect, long differsAt, String nearestMiss) {
    if (stopping.getAsBoolean()) {
      return new ScriptFailure(io.record() + ": the fake stopped during script step " + (index + 1), null, null);
    }
    String fault = io.endedByFault();
    if (fault != null) {
      // The connection ended because a fault the test configured ended it, not because the program erred.
      progress.finished();
      return new ScriptFailure(io.record() + ": " + fault + " ended script step " + (index + 1), null, null);
    }
    progress.failed();
    Step step = steps.get(index);
    Bytes unread = io.unread();
    long position = io.position();
    StringBuilder message = new StringBuilder()
        .append(io.record()).append(": script step ").append(index + 1).append(" of ").append(steps.size())
        .append(" failed: ").append(step.description())
        .append("\n  why: ").append(why);
    if (nearestMiss != null) {
      message.append("\n  nearest miss: ").append(nearestMiss.replace("\n", "\n  "));
    }
    if (differsAt >= 0) {
      message.append("\n  first difference at offset ").append(position + differsAt).append(" of the received stream");
    }
    if (expect != null) {
      if (unread.isEmpty()) {
        message.append("\n  what arrived instead: nothing")
            .append(position > 0 ? " (the " + position + " bytes before were taken by earlier steps)" : "");
      } else {
        long at = position + Math.max(0, differsAt);
        message.append("\n  what arrived instead (").append(unread.size()).append(" unread bytes from offset ")
            .append(position).append("):\n")
            .append(indent(HexDump.excerpt("received", io.record().received(), at, differsAt < 0 ? -1 : at)));
      }
    }
    message.append("\n  steps:");
    for (int i = 0; i < steps.size(); i++) {
      message.append("\n    ").append(i < index ? "done " : i == index ? "FAILED " : "not run ")
          .append(i + 1).append(". ").append(steps.get(i).description());
    }
    Object expected = expect == null ? null : expect.expected() != null ? HexDump.describe(expect.expected()) : expect.description();
    Object actual = expect == null ? null : HexDump.describe(unread.first(1024));
    ScriptFailure failure = new ScriptFailure(message.toString(), expected, actual);
    problems.add(message.toString(), null);
    return failure;
  }

  private static String indent(String rows) {
    StringBuilder out = new StringBuilder();
    for (String row : rows.split("\n", -1)) {
      if (!row.isEmpty()) {
        out.append("    ").append(row).append('\n');
      }
    }
    return out.toString().stripTrailing();
  }
}
