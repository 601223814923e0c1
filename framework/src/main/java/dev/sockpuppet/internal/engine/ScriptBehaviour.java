package dev.sockpuppet.internal.engine;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.script.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Scripts as a fake's behaviour, for one run: one script for every connection, or one per
 * connection in the order they open. Keeps each connection's progress, so that {@code verify()}
 * can list the scripts that did not finish and those that never got a connection.
 */
public final class ScriptBehaviour implements Behaviour {
  private final String fake;
  private final List<List<Step>> scripts;
  private final boolean everyConnection;
  private final boolean unfinishedAllowed;
  /** Progress by connection index. */
  private final Map<Integer, ScriptProgress> progress = new TreeMap<>();

  /**
   * @param fake the fake's description, for messages
   * @param scripts the scripts in connection order; with {@code everyConnection}, exactly one
   * @param everyConnection whether the one script plays every connection (else one per connection)
   * @param unfinishedAllowed whether verify() lets unfinished scripts pass
   */
  public ScriptBehaviour(String fake, List<Script> scripts, boolean everyConnection, boolean unfinishedAllowed) {
    this.fake = fake;
    List<List<Step>> steps = new ArrayList<>();
    for (Script script : scripts) {
      steps.add(Access.scripts().steps(script));
    }
    this.scripts = List.copyOf(steps);
    this.everyConnection = everyConnection;
    this.unfinishedAllowed = unfinishedAllowed;
  }

  /**
   * Blocking: a step waits in one plain read, as a raw server would; a step whose read timed out
   * fails and closes its connection, so the watchdog may shut the input down to end that read.
   */
  @Override
  public SocketTransport.Mode mode() {
    return SocketTransport.Mode.BLOCKING;
  }

  /** A script's steps are data: expectations, writes and pauses; none calls the user's code. */
  @Override
  public boolean runsUserCode() {
    return false;
  }

  @Override
  public ConnectionRunner runner(ConnectionIo io, Problems problems, BooleanSupplier stopping) {
    int index = io.index();
    if (!everyConnection && index >= scripts.size()) {
      return ConnectionRunner.handling(
          io,
          unexpected -> problems.add(
              io.record() + " arrived, but " + fake + " has scripts for " + count(scripts.size())
                  + " only; it was closed",
              null),
          problems, stopping);
    }
    List<Step> steps = scripts.get(everyConnection ? 0 : index);
    ScriptProgress current = new ScriptProgress(io.record().toString(), steps);
    synchronized (progress) {
      progress.put(index, current);
    }
    return ConnectionRunner.handling(io, new ScriptPlayer(steps, current, problems, stopping), problems, stopping);
  }

  @Override
  public void started(Problems problems) {
    if (!unfinishedAllowed) {
      problems.pending(this::pending);
    }
  }

  private List<String> pending() {
    List<String> pending = new ArrayList<>();
    List<ScriptProgress> all;
    synchronized (progress) {
      all = List.copyOf(progress.values());
    }
    for (ScriptProgress each : all) {
      String unfinished = each.pending();
      if (unfinished != null) {
        pending.add(unfinished);
      }
    }
    if (everyConnection && all.isEmpty()) {
      pending.add(fake + " has a script for every connection, but no connection arrived");
    } else if (!everyConnection) {
      for (int i = all.size(); i < scripts.size(); i++) {
        int steps = scripts.get(i).size();
        pending.add(
            fake + ": no connection arrived for script #" + i + " (" + steps + (steps == 1 ? " step)" : " steps)"));
      }
    }
    return pending;
  }

  private static String count(int n) {
    return n == 1 ? "1 connection" : n + " connections";
  }
}
