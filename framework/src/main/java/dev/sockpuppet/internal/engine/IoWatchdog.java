package dev.sockpuppet.internal.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the blocking reads and writes of blocking transports. A blocking call cannot time out by
 * itself: a program that never reads would hold a write forever, and one that never sends would
 * hold a read. So while blocking transports exist, this daemon thread, one for the JVM, looks at
 * them and ends every call that overran its deadline (see {@link Watched#abortIfOverdue}).
 *
 * <p>Writes are looked at every {@link #TICK}. A read's deadline is kept exactly: a transport tells
 * the watchdog when a read starts ({@link #readEndsBy}), and the watchdog sleeps no longer than
 * until the earliest deadline it knows. It is woken only for a read that must end before its
 * planned wake-up, which a read with a timeout of seconds never is; so a read costs the watchdog
 * nothing but a few volatile stores and loads: no queue, no wake-up per read. That is what lets a
 * scripted peer wait in a plain blocking read, one system call, as a raw server does.
 *
 * <p>The thread is started by the first blocking transport and ends at the first tick that finds
 * none left, so once every fake has stopped no thread of Sockpuppet's remains.
 */
final class IoWatchdog {
  /** Something whose blocking calls the watchdog bounds: a socket or a pipe. */
  interface Watched {
    /**
     * Ends a blocking read or write that is still in progress after its deadline.
     *
     * @return whether a call is (still) being aborted
     */
    boolean abortIfOverdue(long now);

    /** The deadline ({@link System#nanoTime()}) of the read in progress; {@link Long#MAX_VALUE} if none. */
    default long readDeadline() {
      return Long.MAX_VALUE;
    }
  }

  /** How often overdue writes are looked for: a stalled write ends at most this long after its deadline. */
  static final Duration TICK = Duration.ofMillis(50);

  private static final IoWatchdog SHARED = new IoWatchdog();

  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  /** The running thread, or null; written under this lock. */
  private volatile Thread thread;
  /** When the watchdog will look next ({@link System#nanoTime()}); a read due earlier wakes it. */
  private volatile long plannedLook;

  private IoWatchdog() {}

  static IoWatchdog shared() {
    return SHARED;
  }

  /** Starts watching {@code transport}'s calls until {@link #forget} (its close). */
  void watch(Watched transport) {
    watched.add(transport);
    synchronized (this) {
      if (thread == null) {
        Thread started = new Thread(this::run, "sockpuppet-io-watchdog");
        started.setDaemon(true);
        plannedLook = System.nanoTime() + TICK.toNanos();
        thread = started;
        started.start();
      }
    }
  }

  void forget(Watched transport) {
    watched.remove(transport);
  }

  /**
   * A watched transport started a read that must end by {@code deadline}; call after the
   * transport's {@link Watched#readDeadline()} returns it. Wakes the watchdog only if it planned to
   * look later than that.
   */
  void readEndsBy(long deadline) {
    if (deadline - plannedLook < 0) {
      Thread current = thread;
      if (current != null) {
        LockSupport.unpark(current);
      }
    }
  }

  private void run() {
    while (true) {
      long now = System.nanoTime();
      long next = now + TICK.toNanos();
      // Published before the deadlines are read: a read that starts meanwhile either is seen below
      // or sees this value, and wakes the thread if it is due earlier.
      plannedLook = next;
      try {
        for (Watched transport : watched) {
          transport.abortIfOverdue(now);
          long deadline = transport.readDeadline();
          if (deadline - next < 0) {
            next = Math.max(deadline, now); // an overdue one was just aborted; look again soon
          }
        }
      } catch (Throwable e) {
        // Nothing may end this thread while it has transports to watch.
        System.getLogger(IoWatchdog.class.getName()).log(System.Logger.Level.WARNING, "I/O watchdog", e);
      }
      plannedLook = next;
      // A read due exactly now was aborted above; the next look is at least a moment later.
      LockSupport.parkNanos(this, Math.max(next - System.nanoTime(), 100_000));
      synchronized (this) {
        // watch() adds before it looks at the thread under this lock, so a transport added now is
        // either seen here or finds the thread gone and starts a new one.
        if (watched.isEmpty()) {
          thread = null;
          return;
        }
      }
    }
  }
}
