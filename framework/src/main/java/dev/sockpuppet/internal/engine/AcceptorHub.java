package dev.sockpuppet.internal.engine;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * One selector thread that accepts for every {@link SharedAcceptor} registered with it: a fake's
 * start registers its listening channel and a stop cancels it, and neither starts, hands off to or
 * joins a thread. Starting and joining an accept thread is most of what a fake's start+stop cost
 * before (about 0.3 ms of 0.37 on this kind of machine, against a few µs for the bind and close).
 *
 * <p>The thread starts with the first registration and ends once nothing was registered for
 * {@code linger}, so a JVM that stops using fakes is left with no thread, while a test suite that
 * starts a fake per test keeps one. If the thread fails (the selector breaks, or something throws
 * outside a fake's own accepting), every fake registered is told and the next registration starts
 * a fresh thread with a fresh selector.
 */
final class AcceptorHub {
  private final String threadName;
  private final long lingerNanos;
  /** Guards {@link #loop}, and each loop's registration count and end. */
  private final Object lock = new Object();
  private Loop loop;

  AcceptorHub(String threadName, Duration linger) {
    this.threadName = threadName;
    this.lingerNanos = linger.toNanos();
  }

  /**
   * Registers {@code channel} (non-blocking, of the JDK's selector provider) for accepting by
   * {@code acceptor}; the hub calls {@link SharedAcceptor#acceptReady()} on its thread whenever
   * connections wait. Returns the loop the channel is registered with, for {@link Loop#unregistered}.
   */
  Loop register(ServerSocketChannel channel, SharedAcceptor acceptor) throws IOException {
    Loop registered;
    synchronized (lock) {
      if (loop == null) {
        loop = new Loop(Selector.open());
        try {
          loop.thread = Threads.start(threadName, loop::run);
        } catch (Throwable e) {
          loop.closeSelector();
          loop = null;
          throw e;
        }
      }
      registered = loop;
      // Since JDK 11 a registration never waits for a select in progress: it takes effect at the
      // next one, which the wakeup below starts at once.
      acceptor.key = channel.register(registered.selector, SelectionKey.OP_ACCEPT, acceptor);
      registered.acceptors.add(acceptor);
    }
    registered.selector.wakeup();
    return registered;
  }

  /** The hub's current thread, or null when none runs (for tests). */
  Thread thread() {
    synchronized (lock) {
      return loop == null ? null : loop.thread;
    }
  }

  /** The current loop's selector, or null: tests close it to see the hub fail. */
  java.nio.channels.Selector selectorForTests() {
    synchronized (lock) {
      return loop == null ? null : loop.selector;
    }
  }

  /** One selector and the thread that selects on it, for as long as fakes keep it busy. */
  final class Loop {
    final Selector selector;
    volatile Thread thread;
    /** Registered acceptors not yet stopped; guarded by the hub's lock. */
    private final Set<SharedAcceptor> acceptors = new HashSet<>();
    /** Stops waiting until their channel is really closed; see {@link #awaitRelease}. */
    private final Queue<Release> releases = new ConcurrentLinkedQueue<>();
    private volatile boolean ended;

    private Loop(Selector selector) {
      this.selector = selector;
    }

    /** A registered acceptor stopped: its key is cancelled and its channel closed (or being closed). */
    void unregistered(SharedAcceptor acceptor) {
      synchronized (lock) {
        acceptors.remove(acceptor);
      }
      // The JDK closes a registered channel's descriptor only when the selector deregisters its
      // cancelled key, which it does at its next select: wake it, so that happens now.
      selector.wakeup();
    }

    /**
     * A latch that opens once {@code channel}, closed after its key was cancelled, released its
     * descriptor (the address can be bound again); it opens at once if the loop has ended.
     */
    CountDownLatch awaitRelease(ServerSocketChannel channel) {
      Release release = new Release(channel, new CountDownLatch(1));
      releases.add(release);
      if (ended) {
        release.done.countDown();
      }
      selector.wakeup();
      return release.done;
    }

    private void run() {
      long idleSince = System.nanoTime();
      try {
        while (true) {
          long wait = 0;
          synchronized (lock) {
            if (!acceptors.isEmpty()) {
              idleSince = System.nanoTime();
            } else if (releases.isEmpty()) {
              long left = lingerNanos - (System.nanoTime() - idleSince);
              if (left <= 0) {
                loop = null;
                ended = true;
                break;
              }
              wait = Math.max(1, left / 1_000_000);
            }
          }
          if (releases.isEmpty()) {
            selector.select(wait);
          } else {
            // A stop waits for its channel's release, and the wakeup it sent may have been taken by
            // a select that had already deregistered the keys it was going to: look again at once.
            selector.selectNow();
          }
          Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
          while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            SharedAcceptor acceptor = (SharedAcceptor) key.attachment();
            try {
              acceptor.acceptReady();
            } catch (Throwable e) {
              // acceptReady reports what a connection's setup throws; this is anything else.
              acceptor.failed("the accepting thread failed", e);
            }
          }
          releaseClosed();
        }
      } catch (Throwable e) {
        fail(e);
      } finally {
        closeSelector();
        releaseAll();
      }
    }

    /** Opens the latches of the stops whose channel the last select deregistered. */
    private void releaseClosed() {
      for (Iterator<Release> waiting = releases.iterator(); waiting.hasNext(); ) {
        Release release = waiting.next();
        if (!release.channel.isRegistered()) {
          waiting.remove();
          release.done.countDown();
        }
      }
    }

    private void releaseAll() {
      Release release;
      while ((release = releases.poll()) != null) {
        release.done.countDown();
      }
    }

    /** The loop broke: every fake registered stops accepting, and the next start gets a new loop. */
    private void fail(Throwable cause) {
      List<SharedAcceptor> registered = new ArrayList<>();
      synchronized (lock) {
        if (loop == this) {
          loop = null;
        }
        ended = true;
        registered.addAll(acceptors);
      }
      for (SharedAcceptor acceptor : registered) {
        acceptor.failed("stopped accepting connections: the shared accepting thread failed", cause);
      }
    }

    private void closeSelector() {
      try {
        // Deregisters every key, which also finishes the close of channels closed meanwhile.
        selector.close();
      } catch (IOException e) {
        System.getLogger(AcceptorHub.class.getName()).log(System.Logger.Level.DEBUG, "closing the selector", e);
      }
    }
  }

  private record Release(ServerSocketChannel channel, CountDownLatch done) {}
}
