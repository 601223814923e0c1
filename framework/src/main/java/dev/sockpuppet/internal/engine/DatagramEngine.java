package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The running part of a datagram fake (UDP or Unix datagram): one thread that receives every
 * datagram whole, records it, and hands it to the fake's {@link Receiver}; sends (replies, and what
 * a test sends itself) that are recorded once they left; and the {@link DatagramFaultSpec faults}
 * between the socket and the rest.
 *
 * <p>The channel is non-blocking: the receive thread waits in a selector that {@link #stop()}
 * wakes, and a send to a program whose receive queue is full (a Unix datagram socket nobody reads)
 * is retried until the fake's timeout, then reported, so nothing here blocks without a bound.
 *
 * <p>Every throwable on the fake's threads becomes a problem of the run. A datagram larger than
 * the receive buffer would be cut by the operating system; the buffer is one byte larger than the
 * largest datagram the fake promises to record whole, so such a datagram is recorded as far as it
 * came and reported, never silently shortened.
 */
public final class DatagramEngine implements FakeCore.Running {
  /** What a datagram fake does with a datagram it received (after faults; already recorded). */
  @FunctionalInterface
  public interface Receiver {
    /**
     * Called on one of the fake's threads, one datagram at a time unless a delay fault reorders
     * them.
     *
     * @param replyTo the address to reply to, in the form the channel sends to; null when the
     *     sender has no address (an unbound Unix datagram socket)
     */
    void received(Datagram datagram, SocketAddress replyTo, DatagramEngine engine) throws Exception;
  }

  /** Bytes of delayed datagrams held at once; past it a datagram is not delayed but reported. */
  private static final long MAX_DELAYED_BYTES = 64L * 1024 * 1024;
  private static final long LONGEST_SEND_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final String threadPrefix;
  private final DatagramChannel channel;
  private final TrafficRecord traffic;
  private final Problems problems;
  private final Duration timeout;
  private final Receiver receiver;
  private final List<DatagramFaultSpec> faults;
  private final int largestWhole;
  private final UnaryOperator<SocketAddress> asRecorded;
  private final boolean unnamedSenders;
  private final SocketAddress localAddress;
  private final AtomicLong receivedIndex = new AtomicLong();
  private final AtomicLong sentIndex = new AtomicLong();
  private final AtomicLong delayedBytes = new AtomicLong();

  private Selector selector;
  private Thread receiveThread;
  private ScheduledThreadPoolExecutor delays;
  private volatile boolean stopping;

  /**
   * @param largestWhole the largest datagram recorded whole; the receive buffer is one byte more
   * @param asRecorded turns an address the channel gave into the one the recording shows
   * @param unnamedSenders whether a receive may name no sender for a datagram that did arrive (a
   *     Unix datagram socket whose sender did not bind an address)
   */
  public DatagramEngine(
      String threadPrefix,
      DatagramChannel channel,
      FakeCore.Run run,
      Duration timeout,
      Receiver receiver,
      List<DatagramFaultSpec> faults,
      int largestWhole,
      UnaryOperator<SocketAddress> asRecorded,
      boolean unnamedSenders)
      throws IOException {
    this.threadPrefix = threadPrefix;
    this.channel = channel;
    this.traffic = run.traffic();
    this.problems = run.problems();
    this.timeout = timeout;
    this.receiver = receiver;
    this.faults = List.copyOf(faults);
    this.largestWhole = largestWhole;
    this.asRecorded = asRecorded;
    this.unnamedSenders = unnamedSenders;
    this.localAddress = asRecorded.apply(channel.getLocalAddress());
  }

  /** Starts receiving; on failure nothing is left running (the caller closes the channel). */
  public void start() throws IOException {
    channel.configureBlocking(false);
    selector = channel.provider().openSelector();
    try {
      channel.register(selector, SelectionKey.OP_READ);
      if (faults.stream().anyMatch(f -> f.kind() == DatagramFaultSpec.Kind.DELAY)) {
        delays = new ScheduledThreadPoolExecutor(1, body -> {
          Thread thread = new Thread(null, body, threadPrefix + "-delay", 256 * 1024);
          thread.setDaemon(true);
          return thread;
        });
        delays.setRemoveOnCancelPolicy(true);
      }
      receiveThread = Threads.start(threadPrefix + "-receive", this::receiveLoop);
    } catch (IOException | RuntimeException | Error e) {
      selector.close();
      if (delays != null) {
        delays.shutdownNow();
      }
      throw e;
    }
  }

  /** The fake's own address as the recording shows it. */
  public SocketAddress localAddress() {
    return localAddress;
  }

  private void receiveLoop() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(largestWhole + 1);
    try {
      while (!stopping) {
        selector.select();
        selector.selectedKeys().clear();
        for (int i = 0; !stopping; i++) {
          buffer.clear();
          SocketAddress from = channel.receive(buffer);
          if (from == null && buffer.position() == 0) {
            // Nothing came, or an empty datagram from a sender without an address (junixsocket
            // names no sender then). Only the first receive after the selector said "readable"
            // can tell: a datagram was queued, and only this thread takes them.
            if (i == 0 && unnamedSenders) {
              arrived(buffer.flip(), null);
            }
            break;
          }
          buffer.flip();
          arrived(buffer, from);
          if (unnamedSenders) {
            break; // one receive per "readable", so that an empty unnamed datagram is never taken for none
          }
        }
      }
    } catch (ClosedChannelException e) {
      if (!stopping) {
        problems.add(traffic.fake() + " lost its socket while it ran", e);
      }
    } catch (Throwable e) {
      if (!stopping) {
        problems.add(traffic.fake() + " stopped receiving datagrams: its receive loop failed", e);
      }
    }
  }

  private void arrived(ByteBuffer payload, SocketAddress from) {
    long index = receivedIndex.getAndIncrement();
    if (payload.remaining() > largestWhole) {
      problems.add(
          traffic.fake() + " received a datagram larger than " + largestWhole
              + " bytes, the most it records whole; the operating system cut it, and the recording"
              + " holds its first " + payload.remaining() + " bytes",
          null);
    }
    Plan plan = plan(Direction.RECEIVED, index);
    if (plan.drop) {
      return;
    }
    int size = plan.truncateTo < 0 ? payload.remaining() : Math.min(plan.truncateTo, payload.remaining());
    ByteBuffer kept = payload.duplicate();
    kept.limit(kept.position() + size);
    if (plan.delayNanos > 0) {
      ByteBuffer copy = ByteBuffer.allocate(size).put(kept).flip();
      later(plan.delayNanos, size * (long) plan.copies, () -> {
        for (int i = 0; i < plan.copies; i++) {
          deliver(copy.duplicate(), from);
        }
      });
      return;
    }
    for (int i = 0; i < plan.copies; i++) {
      deliver(kept.duplicate(), from);
    }
  }

  private void deliver(ByteBuffer payload, SocketAddress from) {
    if (stopping) {
      return;
    }
    Datagram datagram;
    try {
      datagram = traffic.recordDatagram(Direction.RECEIVED, asRecorded.apply(from), localAddress, payload);
    } catch (IOException | RuntimeException e) {
      problems.add(traffic.fake() + " could not record a datagram it received", e);
      return;
    }
    try {
      receiver.received(datagram, from, this);
    } catch (Throwable e) {
      // While the fake stops, a send fails because the socket closes; that is no problem. Anything
      // else (a responder's own exception, a reply with nowhere to go) is, whenever it happens.
      if (!stopping || !(e instanceof IOException)) {
        problems.add(traffic.fake() + " failed on datagram #" + datagram.index() + " from " + datagram.sender(), e);
      }
    }
  }

  /**
   * Sends {@code payload} to {@code to}, through the faults towards the program. Returns once the
   * datagram left (or a fault held, dropped or delayed it).
   *
   * @throws IOException when the operating system refused it or the program did not take it within
   *     the fake's timeout
   */
  public void send(SocketAddress to, ByteBuffer payload) throws IOException {
    long index = sentIndex.getAndIncrement();
    Plan plan = plan(Direction.SENT, index);
    if (plan.drop) {
      return;
    }
    int size = plan.truncateTo < 0 ? payload.remaining() : Math.min(plan.truncateTo, payload.remaining());
    ByteBuffer copy = ByteBuffer.allocate(size);
    ByteBuffer source = payload.duplicate();
    source.limit(source.position() + size);
    copy.put(source).flip();
    if (plan.delayNanos > 0) {
      later(plan.delayNanos, size * (long) plan.copies, () -> {
        for (int i = 0; i < plan.copies; i++) {
          try {
            transmit(to, copy.duplicate());
          } catch (IOException e) {
            if (!stopping) {
              problems.add(traffic.fake() + " could not send a delayed datagram to " + asRecorded.apply(to), e);
            }
          }
        }
      });
      return;
    }
    for (int i = 0; i < plan.copies; i++) {
      transmit(to, copy.duplicate());
    }
  }

  /** Sends one datagram as it is and records it once it left. */
  private void transmit(SocketAddress to, ByteBuffer payload) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long backoff = 10_000;
    while (channel.send(payload.duplicate(), to) == 0) {
      // The program's receive queue is full (a Unix datagram socket nobody reads) or the socket's
      // send buffer is: wait a little, bounded by the fake's timeout and its stop.
      if (stopping) {
        throw new IOException("the fake stopped before the program took the datagram");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "the program did not take the datagram within " + Durations.describe(timeout)
                + " (its receive queue stayed full)");
      }
      LockSupport.parkNanos(backoff);
      backoff = Math.min(backoff * 2, LONGEST_SEND_BACKOFF_NANOS);
    }
    traffic.recordDatagram(Direction.SENT, localAddress, asRecorded.apply(to), payload);
  }

  private void later(long delayNanos, long bytes, Runnable action) {
    if (delayedBytes.addAndGet(bytes) > MAX_DELAYED_BYTES) {
      delayedBytes.addAndGet(-bytes);
      problems.add(
          traffic.fake() + " held more than " + MAX_DELAYED_BYTES + " bytes of delayed datagrams; it let one go at once", null);
      action.run();
      return;
    }
    try {
      delays.schedule(() -> {
        delayedBytes.addAndGet(-bytes);
        try {
          action.run();
        } catch (Throwable e) {
          problems.add(traffic.fake() + " failed on a delayed datagram", e);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      delayedBytes.addAndGet(-bytes); // stopping: the scheduler no longer takes work
    }
  }

  private Plan plan(Direction direction, long index) {
    boolean drop = false;
    int copies = 1;
    int truncateTo = -1;
    long delayNanos = 0;
    for (DatagramFaultSpec fault : faults) {
      if (!fault.appliesTo(direction, index)) {
        continue;
      }
      switch (fault.kind()) {
        case DROP -> drop = true;
        case DUPLICATE -> copies = 2;
        case TRUNCATE -> truncateTo = truncateTo < 0 ? fault.bytes() : Math.min(truncateTo, fault.bytes());
        case DELAY -> {
          long jitter = fault.jitter().toNanos();
          long drawn = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
          delayNanos += Math.max(0, fault.delay().toNanos() + drawn);
        }
      }
    }
    return new Plan(drop, copies, truncateTo, delayNanos);
  }

  private record Plan(boolean drop, int copies, int truncateTo, long delayNanos) {}

  @Override
  public void stop() {
    stopping = true;
    Joiner joiner = new Joiner();
    if (delays != null) {
      delays.shutdownNow();
    }
    selector.wakeup();
    joiner.join(receiveThread);
    if (delays != null) {
      try {
        delays.awaitTermination(Joiner.GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      problems.add(traffic.fake() + " could not close its socket", e);
    }
    joiner.reportStuck(problems);
  }
}
