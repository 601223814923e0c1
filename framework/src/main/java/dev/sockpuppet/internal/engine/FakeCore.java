package dev.sockpuppet.internal.engine;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every kind of fake shares, whatever it does: its name, timeout and memory limit; the
 * lifecycle (start, stop, close, a restart with a fresh recording); its recording; and the problems
 * its threads report. A fake class holds one and delegates to it, so a new kind of fake is the code
 * that makes it run ({@link Starter}) and stops it ({@link Running}), and nothing else.
 *
 * <p>Thread-safe. Starting and stopping hold one lock, so a stop that comes while another thread
 * stops the fake returns once that stop has finished; reading the recording or the problems never
 * waits for it.
 */
public final class FakeCore {
  /** How long waits last unless a fake's {@code withTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Bytes a recording keeps in memory unless a fake's {@code withMemoryLimit} says otherwise. */
  public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;

  /** One run of a fake: what its machinery records into and reports to. */
  public record Run(TrafficRecord traffic, Problems problems) {}

  /** Makes a fake run; called by {@link #start} with a fresh {@link Run}. */
  @FunctionalInterface
  public interface Starter {
    /**
     * Binds, starts threads, and returns what stops them. On failure it must leave nothing behind
     * (no channel, no file, no thread).
     */
    Running start(Run run) throws IOException;
  }

  /** A running fake's machinery. */
  @FunctionalInterface
  public interface Running {
    /**
     * Stops everything, bounded in time however the program behaves, and removes the fake's files;
     * whatever goes wrong is added to the run's problems, never thrown.
     */
    void stop();
  }

  /** Opens and binds what a fake listens on; leaves nothing open when it fails. */
  @FunctionalInterface
  public interface Binder<C extends Closeable> {
    C bind() throws IOException;
  }

  /** Starts a fake's machinery on its bound channel, and returns what stops it (and closes the channel). */
  @FunctionalInterface
  public interface Launcher<C> {
    Running launch(C channel, Run run) throws IOException;
  }

  /** Removes what a bind left behind, such as socket files; runs after the channel closed. */
  @FunctionalInterface
  public interface Cleanup {
    void release() throws IOException;
  }

  private enum State { NEW, RUNNING, STOPPED }

  private volatile String kind;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private volatile String name;
  private volatile Duration timeout = DEFAULT_TIMEOUT;
  private volatile long memoryLimit = DEFAULT_MEMORY_LIMIT;
  /** Guarded by itself; configured before the first start, so it never changes while running. */
  private final List<Fault> faults = new ArrayList<>();
  private volatile State state = State.NEW;
  private volatile Run run;
  private Running running;
  private TrafficRecord empty;
  /** Run by every stop of a running fake, before it stops; see {@link #beforeStop}. */
  private final List<Runnable> beforeStop = new CopyOnWriteArrayList<>();

  /**
   * @param kind the public class name, for messages, e.g. {@code TcpServer}
   * @param defaultName the name of a fake that is not given one
   */
  public FakeCore(String kind, String defaultName) {
    this.kind = kind;
    this.name = defaultName;
  }

  // ---- configuration (the with… methods) ----

  /** Names the fake as another kind, for a fake built on this one (a SyslogServer on a TcpServer). */
  public void kind(String kind) {
    Objects.requireNonNull(kind, "kind");
    requireNew("kind");
    this.kind = kind;
  }

  public void name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a fake's name must not be blank");
    }
    requireNew("withName");
    this.name = name;
  }

  public void timeout(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    requireNew("withTimeout");
    this.timeout = timeout;
  }

  public void memoryLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("the in-memory limit must not be negative, got " + bytes);
    }
    requireNew("withMemoryLimit");
    this.memoryLimit = bytes;
  }

  /** Adds faults for the fake's connections (the {@code withFault}/{@code withFaults} methods). */
  public void faults(Fault... added) {
    Objects.requireNonNull(added, "faults");
    List<Fault> checked = new ArrayList<>();
    for (Fault fault : added) {
      checked.add(Objects.requireNonNull(fault, "a fault in withFaults(…) is null"));
    }
    requireNew(added.length == 1 ? "withFault" : "withFaults");
    synchronized (faults) {
      faults.addAll(checked);
    }
  }

  /** The faults configured so far. */
  public List<Fault> faults() {
    synchronized (faults) {
      return List.copyOf(faults);
    }
  }

  /** Fails unless the fake was never started: {@code with…} methods configure before start(). */
  public void requireNew(String method) {
    State now = state;
    if (now != State.NEW) {
      throw new IllegalStateException(
          method + "(…) configures " + description() + " before start(); it "
              + (now == State.RUNNING ? "is already running" : "has already run"));
    }
  }

  /** Throws the "call start() first" error for an accessor used before the first start. */
  public void requireStarted(String accessor) {
    if (run == null) {
      throw new IllegalStateException(
          description() + "." + accessor + "() is only known once the fake runs; call start() first");
    }
  }

  /** Fails unless the fake runs now: for what only a running fake can do, such as sending. */
  public void requireRunning(String method) {
    requireStarted(method);
    if (!isRunning()) {
      throw new IllegalStateException(description() + " is stopped; start() it before " + method + "()");
    }
  }

  // ---- reading ----

  public String name() {
    return name;
  }

  /** E.g. {@code TcpServer 'api'}. */
  public String description() {
    return kind + " '" + name + "'";
  }

  public Duration timeout() {
    return timeout;
  }

  public long memoryLimit() {
    return memoryLimit;
  }

  public boolean isRunning() {
    return state == State.RUNNING;
  }

  /** The recording of the current (or last) run; an empty one before the first start. */
  public TrafficRecord traffic() {
    Run current = run;
    if (current != null) {
      return current.traffic();
    }
    synchronized (this) {
      if (empty == null) {
        empty = new TrafficRecord(description(), timeout, memoryLimit);
      }
      return empty;
    }
  }

  /** Fails if the current (or last) run had problems. */
  public void verify() {
    Run current = run;
    if (current != null) {
      current.problems().verify(description());
    }
  }

  // ---- lifecycle ----

  /**
   * Starts a fresh run with {@code starter}; does nothing while running. A restart releases the
   * previous run's recording (its spill file).
   *
   * @return whether this call started the fake (false: it was running already)
   */
  public boolean start(Starter starter) {
    lifecycle.lock();
    try {
      if (state == State.RUNNING) {
        return false;
      }
      Problems problems = new Problems();
      // The spill file's writer thread reports to the run's problems: a failed write loses bytes.
      Run fresh = new Run(new TrafficRecord(description(), timeout, memoryLimit, problems::add), problems);
      Running started;
      try {
        started = starter.start(fresh);
      } catch (IOException e) {
        fresh.traffic().recorder().release();
        throw new UncheckedIOException(description() + " could not start: " + e.getMessage(), e);
      } catch (RuntimeException | Error e) {
        fresh.traffic().recorder().release();
        throw e;
      }
      Run previous = run;
      run = fresh;
      running = started;
      state = State.RUNNING;
      if (previous != null) {
        previous.traffic().recorder().release();
      }
      return true;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Starts a fresh run of a fake that listens on a channel: binds it, launches the machinery on
   * it, and on stop removes what the bind left behind. Whatever fails on the way leaves nothing:
   * a failed launch closes the channel, and either failure runs the cleanup.
   *
   * @return whether this call started the fake (false: it was running already)
   */
  public <C extends Closeable> boolean start(Binder<C> binder, Launcher<C> launcher, Cleanup cleanup) {
    return start(run -> {
      C channel;
      try {
        channel = binder.bind();
      } catch (IOException | RuntimeException e) {
        releaseAfterFailedStart(cleanup);
        throw e;
      }
      Running running;
      try {
        running = launcher.launch(channel, run);
      } catch (IOException | RuntimeException | Error e) {
        try {
          channel.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
        releaseAfterFailedStart(cleanup);
        throw e;
      }
      return () -> {
        running.stop();
        try {
          cleanup.release();
        } catch (IOException | RuntimeException e) {
          run.problems().add(description() + " could not remove its files", e);
        }
      };
    });
  }

  private static void releaseAfterFailedStart(Cleanup cleanup) {
    try {
      cleanup.release();
    } catch (IOException | RuntimeException e) {
      System.getLogger(FakeCore.class.getName()).log(System.Logger.Level.DEBUG, "cleanup after a failed start", e);
    }
  }

  /**
   * Has {@code hook} run whenever the running fake is about to stop, while it still serves: what
   * uses the fake (a container given its socket) stops first, whoever stops the fake. Hooks run
   * outside the lifecycle lock, may run more than once (two concurrent stops) and must therefore
   * be idempotent; what they throw becomes a problem of the run, reported by the stop.
   */
  public void beforeStop(Runnable hook) {
    beforeStop.add(Objects.requireNonNull(hook, "hook"));
  }

  /**
   * Stops the run, seals its recording and verifies it; see {@link dev.sockpuppet.Fake#stop()}.
   * Only the call that actually stopped the fake verifies.
   */
  public void stop() {
    Run current = run;
    if (state == State.RUNNING && current != null) {
      for (Runnable hook : beforeStop) {
        try {
          hook.run();
        } catch (RuntimeException | Error e) {
          current.problems().add(description() + " could not stop what uses it before stopping", e);
        }
      }
    }
    Run stopped;
    lifecycle.lock();
    try {
      if (state != State.RUNNING) {
        return;
      }
      state = State.STOPPED;
      stopped = run;
      try {
        running.stop();
      } catch (RuntimeException | Error e) {
        stopped.problems().add(description() + " did not stop cleanly", e);
      } finally {
        running = null;
        stopped.traffic().recorder().seal();
      }
    } finally {
      lifecycle.unlock();
    }
    stopped.problems().verify(description());
  }

  /** Stops, then deletes the recording's spill file (also when the stop reports problems). */
  public void close() {
    try {
      stop();
    } finally {
      Run last = run;
      if (last != null) {
        last.traffic().recorder().release();
      }
    }
  }
}
