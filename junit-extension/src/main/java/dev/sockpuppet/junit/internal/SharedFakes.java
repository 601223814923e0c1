package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fakes of static {@code @ManagedFake} fields, counted by the test classes that use them, for one
 * engine run.
 *
 * <p>A static field belongs to a class, but more than one test class may use it: every subclass of
 * an abstract base class that declares it, and the same class run again in the same JVM. So a
 * static field's fake is not owned by one class context: the first class that uses it starts it,
 * and the last one that stops using it stops it. Under parallel execution two classes that share
 * the field therefore never stop it under each other; run one after the other, each class gets a
 * fresh run of the fake (a stopped fake starts again with a fresh recording).
 *
 * <p>The counts live in the root context's store, the one store that every class context of the
 * run reaches; the extension itself holds no state. Two engine runs at the same time in one JVM
 * (two launchers) count separately, so they must not share a static fake.
 *
 * <p>Thread-safe. Each fake has its own lock, so classes that share nothing never wait for each
 * other, and a class that needs a fake while its last user is still stopping it waits until that
 * user has also rendered its transcript and closed it, then starts it afresh.
 */
final class SharedFakes {
  private static final Namespace NAMESPACE = Namespace.create(SharedFakes.class);
  /**
   * How long a class waits for another one to finish stopping a fake: stopping is bounded (about
   * a second) and rendering a transcript is quick, so only a broken fake gets anywhere near this.
   */
  private static final Duration FINISH_WAIT = Duration.ofMinutes(1);

  private final Map<Fake, Entry> entries = new IdentityHashMap<>();

  private SharedFakes() {}

  /** The registry of the engine run that {@code context} belongs to, created on first use. */
  static SharedFakes of(ExtensionContext context) {
    return Contexts.ofRun(context, NAMESPACE, SharedFakes.class, SharedFakes::new);
  }

  /**
   * Registers one more user of {@code fake}; the first one starts it, unless it is running already
   * (the user started it). If the fake's last user is still stopping it, waits until that is done.
   *
   * @return the lease to {@link Lease#release() release} when this user is done
   * @throws RuntimeException whatever {@link Fake#start()} threw; the fake then has no new user
   */
  Lease acquire(Fake fake) {
    Entry entry;
    synchronized (this) {
      entry = entries.computeIfAbsent(fake, Entry::new);
    }
    entry.acquire();
    return new Lease(entry);
  }

  /** One user's claim on a shared fake. */
  static final class Lease {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /**
     * Ends this user's claim; idempotent. Returns whether it was the last user: the caller must
     * then stop the fake, keep its evidence, close it, and finally call {@link #finished()}; until
     * then nobody starts the fake again.
     */
    synchronized boolean release() {
      if (released) {
        return false;
      }
      released = true;
      return entry.release();
    }

    /** After the last user closed the fake: others may start it again. */
    void finished() {
      entry.finished();
    }
  }

  /** One shared fake and its users. */
  private static final class Entry {
    private final Fake fake;
    /** Guarded by this. */
    private int users;
    /** Guarded by this: the last user is stopping, rendering and closing the fake. */
    private boolean finishing;

    Entry(Fake fake) {
      this.fake = fake;
    }

    synchronized void acquire() {
      long deadline = System.nanoTime() + FINISH_WAIT.toNanos();
      while (finishing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "another test class was still stopping it after " + FINISH_WAIT.toSeconds() + " s");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while another test class was stopping it", e);
        }
      }
      if (users == 0 && !fake.isRunning()) {
        // Under the lock: a second class that needs the fake meanwhile waits for it to run.
        fake.start();
      }
      users++;
    }

    synchronized boolean release() {
      users--;
      if (users > 0) {
        return false;
      }
      finishing = true;
      return true;
    }

    synchronized void finished() {
      finishing = false;
      notifyAll();
    }
  }
}
