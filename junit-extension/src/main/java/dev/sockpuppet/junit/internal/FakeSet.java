package dev.sockpuppet.junit.internal;

import dev.sockpuppet.FakeServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fakes that one extension context (a test class or a test) owns, and the system properties set
 * for them. Lives in that context's {@code ExtensionContext.Store}, so JUnit closes it when the
 * context ends even if no after-callback of ours ran; the extension normally stops it earlier, in
 * {@code afterEach}/{@code afterAll}, to collect evidence while the test is still open.
 *
 * <p>Thread-safe: tests running in parallel read the fakes of their shared class context.
 */
final class FakeSet implements AutoCloseable {
  private final List<ManagedFake> fakes = new CopyOnWriteArrayList<>();
  private final Deque<PropertyRestore> restores = new ArrayDeque<>();
  private boolean declarationsStarted;
  private boolean stopped;

  /** True the first time only: the caller then starts the declared fakes. */
  synchronized boolean claimDeclarations() {
    if (declarationsStarted) {
      return false;
    }
    declarationsStarted = true;
    return true;
  }

  /** Takes ownership of a started fake. */
  void add(ManagedFake fake) {
    fakes.add(fake);
  }

  List<ManagedFake> fakes() {
    return List.copyOf(fakes);
  }

  boolean owns(FakeServer server) {
    return fakes.stream().anyMatch(f -> f.server() == server);
  }

  /** Sets a system property until {@link #stop()}, remembering its previous value. */
  synchronized void setProperty(String key, String value) {
    restores.push(new PropertyRestore(key, System.setProperty(key, value)));
  }

  /**
   * Stops every fake (newest first), which removes their files and verifies them, then restores the
   * system properties. Idempotent: later calls do nothing and return nothing.
   *
   * @return what went wrong, in order; empty if all is well
   */
  List<Throwable> stop() {
    List<ManagedFake> stopping;
    List<PropertyRestore> restoring;
    synchronized (this) {
      if (stopped) {
        return List.of();
      }
      stopped = true;
      stopping = new ArrayList<>(fakes);
      restoring = new ArrayList<>(restores);
      restores.clear();
    }
    List<Throwable> problems = new ArrayList<>();
    for (int i = stopping.size() - 1; i >= 0; i--) {
      try {
        stopping.get(i).server().stop();
      } catch (RuntimeException | AssertionError e) {
        problems.add(e);
      }
    }
    // The deque holds the newest first, so the oldest value is restored last and wins.
    for (PropertyRestore restore : restoring) {
      restore.run();
    }
    return problems;
  }

  /** For the store: stops what the extension did not stop yet and reports problems to JUnit. */
  @Override
  public void close() {
    List<Throwable> problems = stop();
    if (!problems.isEmpty()) {
      Problems.rethrow(problems);
    }
  }

  private record PropertyRestore(String key, String previous) {
    void run() {
      if (previous == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, previous);
      }
    }
  }
}
