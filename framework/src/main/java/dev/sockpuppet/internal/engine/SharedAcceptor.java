package dev.sockpuppet.internal.engine;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link Acceptor} without a thread of its own: the listening channel is registered with the
 * JVM's one {@link AcceptorHub} thread, which accepts for every fake. A start is a registration
 * and a wakeup, a stop a cancellation, with the same promises as a thread per fake:
 *
 * <ul>
 *   <li>No connection reaches the listener after {@link #stop} returned, and a stop waits for an
 *       accept in progress for this fake (bounded by the {@link Joiner}; a hub stuck in a listener
 *       is reported).
 *   <li>Every {@link Throwable} is reported: a connection that could not be set up is closed and
 *       accepting goes on; an error of the listening channel ends accepting for this fake only.
 *   <li>The descriptor is released at once: the JDK closes a registered channel only when its
 *       selector next selects, which the stop starts at once, so it is gone microseconds after the
 *       stop returns. A fake on an address someone may bind again right away (a fixed TCP port)
 *       {@linkplain #SharedAcceptor(AcceptorHub, boolean) waits} until it is gone.
 * </ul>
 *
 * <p>A connection accepted here is set up on the hub's thread, so a listener must not block: the
 * stream engine's starts a connection thread and returns.
 */
public final class SharedAcceptor implements Acceptor {
  /** How long the hub's thread outlives the last fake: long enough to carry a suite from test to test. */
  private static final Duration LINGER = Duration.ofSeconds(2);
  private static final AcceptorHub HUB = new AcceptorHub("sockpuppet-acceptor", LINGER);
  /** Connections taken per turn, so one flooded fake does not keep the others waiting. */
  private static final int ACCEPTS_PER_TURN = 64;

  private final AcceptorHub hub;
  private final boolean releaseBeforeReturning;
  /** Held while the hub accepts for this fake, and by the stop, so that the two never overlap. */
  private final ReentrantLock turn = new ReentrantLock();
  private volatile boolean stopped;
  private ServerSocketChannel channel;
  private Acceptor.Listener listener;
  private AcceptorHub.Loop loop;
  /** Set by the hub when it registers the channel. */
  volatile SelectionKey key;

  SharedAcceptor(AcceptorHub hub, boolean releaseBeforeReturning) {
    this.hub = hub;
    this.releaseBeforeReturning = releaseBeforeReturning;
  }

  /**
   * The acceptor for {@code channel}: the shared one when the JDK's selector can watch it, else a
   * thread of its own (junixsocket's channels, for the abstract namespace, have another provider).
   *
   * @param threadName the name of that thread, if one is needed
   * @param addressBoundAgainSoon whether the address may be bound again as soon as the fake stops
   *     (a fixed port), so that the stop must release it before it returns
   */
  public static Acceptor forChannel(ServerSocketChannel channel, String threadName, boolean addressBoundAgainSoon) {
    if (channel.provider() == SelectorProvider.provider()) {
      return new SharedAcceptor(HUB, addressBoundAgainSoon);
    }
    return new ThreadAcceptor(threadName);
  }

  @Override
  public void start(ServerSocketChannel channel, Listener listener) throws IOException {
    this.channel = channel;
    this.listener = listener;
    channel.configureBlocking(false);
    this.loop = hub.register(channel, this);
  }

  /** On the hub's thread: takes the connections that wait, up to a turn's worth. */
  void acceptReady() {
    if (!turn.tryLock()) {
      return; // a stop holds it: nothing more is accepted for this fake
    }
    try {
      for (int i = 0; i < ACCEPTS_PER_TURN && !stopped; i++) {
        SocketChannel accepted = Acceptor.acceptOne(channel, e -> {
          key.cancel();
          failed("stopped accepting connections after an error", e);
        });
        if (accepted == null) {
          return; // none waits, the channel closed, or accepting failed
        }
        listener.handOver(accepted, stopped);
      }
    } finally {
      turn.unlock();
    }
  }

  /** Reports {@code cause} to the listener unless the fake is stopping (then it is the stop's doing). */
  void failed(String description, Throwable cause) {
    if (!stopped) {
      listener.failed(description, cause);
    }
  }

  @Override
  public void stop(Joiner joiner) {
    if (loop == null) {
      // Never registered (its start failed): the channel is all there is.
      if (channel != null) {
        SocketTransport.closeQuietly(channel);
      }
      return;
    }
    stopped = true;
    boolean holding = joiner.lock(turn, loop.thread);
    try {
      key.cancel();
      SocketTransport.closeQuietly(channel);
    } finally {
      if (holding) {
        turn.unlock();
      }
    }
    CountDownLatch released = releaseBeforeReturning ? loop.awaitRelease(channel) : null;
    loop.unregistered(this);
    if (released != null) {
      joiner.await(released, loop.thread);
    }
  }
}
