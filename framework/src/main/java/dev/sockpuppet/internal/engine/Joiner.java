package dev.sockpuppet.internal.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * Waits for a fake's threads when it stops, under a deadline that moves on whenever one of them
 * ends: the wait is bounded by the grace period since the last progress, not by the number of
 * threads. Thousands of connections take their time to wind down on two cores, but they keep
 * making progress, and a stuck thread does not; so a thread is reported stuck only when no thread
 * at all ended for {@link #GRACE}.
 */
public final class Joiner {
  /** How long a stop waits for threads that make no progress. */
  public static final Duration GRACE = Duration.ofSeconds(1);

  private final List<Thread> joined = new ArrayList<>();
  /** Shared threads (which never end) that did not finish their part for this fake in time. */
  private final List<RuntimeException> overdue = new ArrayList<>();
  private long deadline = System.nanoTime() + GRACE.toNanos();
  /** Once a thread outlived the grace period, no later progress extends the wait again. */
  private boolean expired;

  /** Gives the following joins a fresh grace period, unless one already expired. */
  public void restart() {
    if (!expired) {
      deadline = System.nanoTime() + GRACE.toNanos();
    }
  }

  /** Waits for {@code thread} until the current deadline; keeps the caller's interrupt status. */
  public void join(Thread thread) {
    joined.add(thread);
    if (thread.getState() == Thread.State.NEW) {
      return;
    }
    boolean interrupted = false;
    try {
      long left;
      while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
        try {
          thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (thread.isAlive()) {
      expired = true;
    } else {
      restart();
    }
  }

  /**
   * Takes {@code lock}, held by the shared thread {@code holder} while it works for this fake,
   * waiting until the current deadline; keeps the caller's interrupt status.
   *
   * @return whether the lock is held now; if not, {@code holder} is reported as stuck
   */
  public boolean lock(Lock lock, Thread holder) {
    boolean locked = untilDeadline(left -> lock.tryLock(left, TimeUnit.NANOSECONDS));
    if (!locked) {
      overdue(holder, "did not finish accepting a connection for this fake");
    }
    return locked;
  }

  /**
   * Waits until the current deadline for {@code latch}, which the shared thread {@code opener}
   * opens; keeps the caller's interrupt status. If it stays shut, {@code opener} is reported as stuck.
   */
  public void await(CountDownLatch latch, Thread opener) {
    if (!untilDeadline(left -> latch.await(left, TimeUnit.NANOSECONDS))) {
      overdue(opener, "did not release this fake's listening socket");
    }
  }

  /** A wait of at most the given nanoseconds; true if what it waited for happened. */
  @FunctionalInterface
  private interface TimedWait {
    boolean await(long nanos) throws InterruptedException;
  }

  /** Runs {@code wait} until the current deadline, through interrupts, whose status it keeps. */
  private boolean untilDeadline(TimedWait wait) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return wait.await(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void overdue(Thread thread, String what) {
    expired = true;
    RuntimeException stuck = new RuntimeException(
        "the shared thread '" + thread.getName() + "' " + what + " within " + GRACE.toMillis()
            + " ms; it is stuck in the code shown below");
    stuck.setStackTrace(thread.getStackTrace());
    overdue.add(stuck);
  }

  /**
   * Adds a problem, with the thread's current stack, for every joined thread still alive and every
   * shared thread that was overdue.
   */
  public void reportStuck(Problems problems) {
    for (Thread thread : joined) {
      if (thread.isAlive()) {
        StuckThread stuck = new StuckThread(thread);
        problems.add(stuck.getMessage(), stuck);
      }
    }
    for (RuntimeException stuck : overdue) {
      problems.add(stuck.getMessage(), stuck);
    }
  }

  /** A thread that did not end after its connection closed; carries the thread's stack. */
  private static final class StuckThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StuckThread(Thread thread) {
      super("thread '" + thread.getName() + "' did not stop within " + GRACE.toMillis()
          + " ms after its connection closed; it is stuck in the code shown below");
      // The stack is where the thread is stuck now, which is what the reader needs; the stack of
      // the thread that noticed it would only show stop().
      setStackTrace(thread.getStackTrace());
    }
  }
}
