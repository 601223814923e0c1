package dev.sockpuppet.internal.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the writes of blocking transports. A blocking write cannot time out by itself, and a
 * program that never reads would hold one forever; so while blocking transports exist, this
 * daemon thread, one for the JVM, looks at them every {@link #TICK} and ends every write that
 * overran its deadline (see {@link Watched#abortWriteIfOverdue}).
 *
 * <p>A write costs the watchdog nothing but two volatile stores in its transport: no queue, no
 * wake-up per write. The thread is started by the first blocking transport and ends at the first
 * tick that finds none left, so once every fake has stopped no thread of Sockpuppet's remains.
 */
final class WriteWatchdog {
  /** Something whose blocking writes the watchdog bounds: a socket or a pipe. */
  interface Watched {
    /**
     * Ends a blocking write that is still in progress after its deadline.
     *
     * @return whether a write is (still) being aborted
     */
    boolean abortWriteIfOverdue(long now);
  }

  /** How often overdue writes are looked for: a stalled write ends at most this long after its deadline. */
  static final Duration TICK = Duration.ofMillis(50);

  private static final WriteWatchdog SHARED = new WriteWatchdog();

  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  /** The running thread, or null; guarded by this. */
  private Thread thread;

  private WriteWatchdog() {}

  static WriteWatchdog shared() {
    return SHARED;
  }

  /** Starts watching {@code transport}'s writes until {@link #forget} (its close). */
  void watch(Watched transport) {
    watched.add(transport);
    synchronized (this) {
      if (thread == null) {
        thread = new Thread(this::run, "sockpuppet-write-watchdog");
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  void forget(Watched transport) {
    watched.remove(transport);
  }

  private void run() {
    while (true) {
      LockSupport.parkNanos(this, TICK.toNanos());
      synchronized (this) {
        // watch() adds before it looks at the thread under this lock, so a transport added now is
        // either seen here or finds the thread gone and starts a new one.
        if (watched.isEmpty()) {
          thread = null;
          return;
        }
      }
      try {
        long now = System.nanoTime();
        for (Watched transport : watched) {
          transport.abortWriteIfOverdue(now);
        }
      } catch (Throwable e) {
        // Nothing may end this thread while it has transports to watch.
        System.getLogger(WriteWatchdog.class.getName()).log(System.Logger.Level.WARNING, "write watchdog", e);
      }
    }
  }
}
