package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The running part of a datagram fake (UDP or Unix datagram): one thread that receives every
 * datagram whole, records it, and hands it to the fake's {@link Receiver}; sends (replies, and what
 * a test sends itself) that are recorded once they left; and the {@link DatagramFaultSpec faults}
 * between the socket and the rest.
 *
 * <p><b>Receiving blocks, sending never does.</b> The receive thread waits in a blocking receive:
 * one system call a datagram, and exact, since a blocking receive returns only when a datagram
 * came. That matters on Unix sockets, where junixsocket names no sender and no bytes both for "no
 * datagram" (a non-blocking receive) and for an empty datagram from a sender without an address;
 * a blocking receive can only mean the latter. A send, though, must never block: a junixsocket
 * send blocked on a program's full receive queue is not woken when the socket closes, so it could
 * hang the stop. So the receive thread alone switches the channel's mode, and makes every send
 * itself with the channel non-blocking, retrying a full queue until the fake's timeout or its
 * stop. Another thread that sends (a test's {@code sendTo}, a delayed datagram) queues the send
 * and wakes the receive thread with a datagram of its own: a random token, new for every run,
 * from a socket of the fake's, which the receive thread recognises and does not record.
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
  /** Long enough that no program sends the same bytes by chance (2^-128). */
  private static final int WAKE_TOKEN_BYTES = 16;
  /** How often a thread that waits for its send checks that the receive thread still runs. */
  private static final long SEND_CHECK_MILLIS = 100;

  private final String threadPrefix;
  private final DatagramChannel channel;
  private final TrafficRecord traffic;
  private final Problems problems;
  private final Duration timeout;
  private final Receiver receiver;
  private final List<DatagramFaultSpec> faults;
  private final int largestWhole;
  private final UnaryOperator<SocketAddress> asRecorded;
  private final SocketAddress localAddress;
  private final SocketAddress wakeTarget;
  private final ByteBuffer wakeToken;
  private final AtomicLong receivedIndex = new AtomicLong();
  private final AtomicLong sentIndex = new AtomicLong();
  private final AtomicLong delayedBytes = new AtomicLong();
  /** Sends other threads asked for, in order; the receive thread makes them. Guarded by itself. */
  private final Queue<QueuedSend> queuedSends = new ArrayDeque<>();
  /** Whether a wake-up is on its way to the receive thread, so that one serves many queued sends. */
  private final AtomicBoolean wakeSent = new AtomicBoolean();

  /** Sends the wake-up datagrams; never bound, never blocking. */
  private DatagramChannel waker;
  private Thread receiveThread;
  private ScheduledThreadPoolExecutor delays;
  private volatile boolean stopping;
  /** Set by the receive thread as it ends: queued sends fail from then on. Guarded by queuedSends. */
  private boolean sendsClosed;

  /**
   * @param largestWhole the largest datagram recorded whole; the receive buffer is one byte more
   * @param asRecorded turns an address the channel gave into the one the recording shows
   */
  public DatagramEngine(
      String threadPrefix,
      DatagramChannel channel,
      FakeCore.Run run,
      Duration timeout,
      Receiver receiver,
      List<DatagramFaultSpec> faults,
      int largestWhole,
      UnaryOperator<SocketAddress> asRecorded)
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
    this.wakeTarget = channel.getLocalAddress();
    this.localAddress = asRecorded.apply(wakeTarget);
    byte[] token = new byte[WAKE_TOKEN_BYTES];
    new SecureRandom().nextBytes(token);
    this.wakeToken = ByteBuffer.wrap(token).asReadOnlyBuffer();
  }

  /** Starts receiving; on failure nothing is left running (the caller closes the channel). */
  public void start() throws IOException {
    channel.configureBlocking(true);
    // Same provider, so a socket of the same kind: junixsocket's for Unix sockets, the JDK's for UDP.
    waker = channel.provider().openDatagramChannel();
    try {
      waker.configureBlocking(false);
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
      waker.close();
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
        buffer.clear();
        // Blocking, so it returns for a datagram alone (or for the stop, which the check below
        // sees): no sender and no bytes is an empty datagram from a sender without an address.
        SocketAddress from = channel.receive(buffer);
        if (stopping) {
          break;
        }
        buffer.flip();
        if (buffer.equals(wakeToken)) {
          sendQueued();
        } else {
          arrived(buffer, from);
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
    } finally {
      failQueuedSends();
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
    if (faults.isEmpty()) {
      deliver(payload, from); // the common case: nothing to plan, no copies
      return;
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

  /**
   * Sends one datagram as it is and records it once it left. The receive thread sends itself; any
   * other thread has the receive thread send for it and waits for the outcome.
   */
  private void transmit(SocketAddress to, ByteBuffer payload) throws IOException {
    if (Thread.currentThread() == receiveThread) {
      sendWithoutBlocking(to, payload);
      return;
    }
    QueuedSend send = new QueuedSend(to, payload);
    synchronized (queuedSends) {
      if (sendsClosed) {
        throw new IOException("the fake stopped before the datagram was sent");
      }
      queuedSends.add(send);
    }
    if (wakeSent.compareAndSet(false, true)) {
      wake();
    }
    awaitSent(send);
  }

  /** Wakes the receive thread with the token, so that it makes the queued sends. */
  private void wake() throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long backoff = 10_000;
    try {
      // The fake's own receive queue may be full in a flood; the receive thread empties it.
      while (waker.send(wakeToken.duplicate(), wakeTarget) == 0) {
        if (stopping) {
          throw new IOException("the fake stopped before the datagram was sent");
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(
              "the fake's own receive thread did not take the request to send within " + Durations.describe(timeout));
        }
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, LONGEST_SEND_BACKOFF_NANOS);
      }
    } catch (IOException | RuntimeException e) {
      wakeSent.set(false); // so that a later send tries again
      throw e;
    }
  }

  /** Waits until the receive thread made {@code send}; bounded, since each send it makes is. */
  private void awaitSent(QueuedSend send) throws IOException {
    while (true) {
      try {
        send.done.get(SEND_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        if (!receiveThread.isAlive()) {
          // It fails what it leaves behind as it ends; this guards against a send it was making.
          failQueuedSends();
          send.done.completeExceptionally(new IOException("the fake stopped before the datagram was sent"));
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw new IOException(io.getMessage(), io); // this thread's stack, the receive thread's as the cause
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IOException(cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        send.done.cancel(false); // the receive thread skips it unless it has begun
        throw new InterruptedIOException("interrupted while the fake sent a datagram");
      }
    }
  }

  /** On the receive thread: makes every queued send, each bounded by the timeout. */
  private void sendQueued() throws IOException {
    wakeSent.set(false); // before taking: a send queued from now on wakes again
    QueuedSend send;
    while ((send = nextQueued()) != null) {
      if (send.done.isDone()) {
        continue; // its thread stopped waiting
      }
      try {
        sendWithoutBlocking(send.to, send.payload);
        send.done.complete(null);
      } catch (IOException | RuntimeException | Error e) {
        send.done.completeExceptionally(e);
        if (e instanceof ClosedChannelException closed && !stopping) {
          throw closed;
        }
      }
    }
  }

  private QueuedSend nextQueued() {
    synchronized (queuedSends) {
      return queuedSends.poll();
    }
  }

  private void failQueuedSends() {
    synchronized (queuedSends) {
      sendsClosed = true;
      QueuedSend send;
      while ((send = queuedSends.poll()) != null) {
        send.done.completeExceptionally(new IOException("the fake stopped before the datagram was sent"));
      }
    }
  }

  /**
   * On the receive thread: sends with the channel non-blocking, retrying while the program's
   * queue is full, bounded by the timeout and the stop; then blocking again for the receives.
   */
  private void sendWithoutBlocking(SocketAddress to, ByteBuffer payload) throws IOException {
    channel.configureBlocking(false);
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      long backoff = 10_000;
      while (!sendOnRecord(to, payload)) {
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
    } finally {
      if (channel.isOpen()) {
        channel.configureBlocking(true);
      }
    }
  }

  /**
   * One non-blocking send, recorded if it left; false when the program's queue was full. Readers of
   * the recording wait from before the system call until the record, since the program may read
   * the datagram before the call returns.
   */
  private boolean sendOnRecord(SocketAddress to, ByteBuffer payload) throws IOException {
    ByteBuffer sent = null;
    traffic.datagramSendStarting();
    try {
      if (channel.send(payload.duplicate(), to) > 0 || !payload.hasRemaining()) {
        sent = payload.duplicate();
      }
    } finally {
      traffic.datagramSendEnded(localAddress, asRecorded.apply(to), sent);
    }
    return sent != null;
  }

  /** A send another thread asked the receive thread to make. */
  private static final class QueuedSend {
    final SocketAddress to;
    final ByteBuffer payload;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    QueuedSend(SocketAddress to, ByteBuffer payload) {
      this.to = to;
      this.payload = payload;
    }
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

  /** Whether the fake is stopping; a script's pause on the receive thread ends then (stop wakes the thread). */
  public boolean stopping() {
    return stopping;
  }

  @Override
  public void stop() {
    stopping = true;
    if (receiveThread != null) {
      LockSupport.unpark(receiveThread); // a script's pause
    }
    Joiner joiner = new Joiner();
    if (delays != null) {
      delays.shutdownNow();
    }
    try {
      // Closing wakes the blocking receive (junixsocket shuts the socket down first; the JDK
      // signals the thread); a send the receive thread makes ends at its next retry.
      channel.close();
    } catch (IOException e) {
      problems.add(traffic.fake() + " could not close its socket", e);
    }
    joiner.join(receiveThread);
    if (delays != null) {
      try {
        delays.awaitTermination(Joiner.GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      waker.close();
    } catch (IOException e) {
      problems.add(traffic.fake() + " could not close its wake-up socket", e);
    }
    joiner.reportStuck(problems);
  }
}
