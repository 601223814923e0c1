package dev.sockpuppet.internal.engine;

import dev.sockpuppet.internal.script.Step;
import java.util.List;

/**
 * How far the script of one connection got, for {@code verify()}: a script is unfinished while it
 * has not reached its end, and failed once a step failed (a failure is reported on its own).
 */
final class ScriptProgress {
  private enum State { RUNNING, FINISHED, FAILED }

  private final String connection;
  private final List<Step> steps;
  private volatile int step;
  private volatile State state = State.RUNNING;

  ScriptProgress(String connection, List<Step> steps) {
    this.connection = connection;
    this.steps = steps;
  }

  void at(int index) {
    step = index;
  }

  void finished() {
    state = State.FINISHED;
  }

  void failed() {
    state = State.FAILED;
  }

  /** The unfinished script in words, or null if it finished or failed. */
  String pending() {
    if (state != State.RUNNING) {
      return null;
    }
    int at = step;
    StringBuilder out = new StringBuilder(connection).append(": the script did not finish; it was at step ")
        .append(at + 1).append(" of ").append(steps.size()).append(", steps not done:");
    for (int i = at; i < steps.size(); i++) {
      out.append("\n       ").append(i + 1).append(". ").append(steps.get(i).description());
    }
    return out.toString();
  }
}
