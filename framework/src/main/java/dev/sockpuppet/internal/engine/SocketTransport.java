package dev.sockpuppet.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} over a connected {@link SocketChannel}: TCP or Unix-domain, the JDK's or
 * junixsocket's. It works in one of two modes, fixed when it is made:
 *
 * <ul>
 *   <li>{@link Mode#BLOCKING}, for canned responders and scripts: a read is one system call, as in
 *       a raw server, and the connection costs one descriptor. The shared {@link IoWatchdog} bounds
 *       writes and timed reads by ending one that overran its deadline. A write it ends shuts the
 *       output down; a timed read it ends shuts the <em>input</em> down, so later reads fail (see
 *       {@link #read}). That suits behaviours for which a read that timed out ends the
 *       conversation: a responder never reads with a time limit, and a script's step that timed
 *       out fails and closes its connection. A read that must not wait at all asks the socket how
 *       many bytes are waiting first.
 *   <li>{@link Mode#SELECTING}, for handlers: the channel is non-blocking with a selector of its
 *       own, so reads and writes wait with a bound and a timed-out read leaves the connection
 *       intact, for a handler that catches the timeout and goes on. Costs a selector (two more
 *       descriptors on Linux) and a second system call per read.
 * </ul>
 */
public final class SocketTransport implements Transport, IoWatchdog.Watched {
  /** How a {@link SocketTransport} waits. */
  public enum Mode {
    BLOCKING,
    SELECTING
  }

  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int ABORTED = 2;

  private final SocketChannel channel;
  /** Whether the channel is the JDK's, whose buffer position is exact after a failed write. */
  private final boolean jdkChannel;
  private final Mode mode;
  private final SocketAddress localAddress;
  private final SocketAddress remoteAddress;

  /** Guards closed, selector and waiting. */
  private final Object state = new Object();
  private boolean closed;
  private Selector selector;
  private SelectionKey key;
  /** Temporary selectors of threads waiting while another thread uses {@link #selector}. */
  private final Set<Selector> waiting = new HashSet<>();
  /** Held by the thread that waits on {@link #selector}; others wait on a temporary one. */
  private final ReentrantLock selecting = new ReentrantLock();
  private boolean lastReadFilled;

  /** For the watchdog: whether a blocking write is in progress, and until when it may take. */
  private final AtomicInteger writeState = new AtomicInteger(IDLE);
  private volatile long writeDeadline;
  /** Likewise for a blocking read with a time limit. */
  private final AtomicInteger readState = new AtomicInteger(IDLE);
  private volatile long readDeadline;
  /** Set once a timed read was ended by shutting the input down: nothing more can be read. */
  private boolean inputShut;
  /** For reads that must not wait: how many bytes are waiting (made on first use). */
  private InputStream available;

  private SocketTransport(SocketChannel channel, Mode mode, SocketAddress localAddress, SocketAddress remoteAddress) {
    this.channel = channel;
    this.jdkChannel = channel.provider() == SelectorProvider.provider();
    this.mode = mode;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
  }

  /**
   * A transport over {@code channel} in {@code mode}. Closes the channel if it cannot be set up, so
   * the caller never holds a half-made transport.
   */
  public static SocketTransport open(SocketChannel channel, Mode mode) throws IOException {
    try {
      SocketTransport transport =
          new SocketTransport(channel, mode, channel.getLocalAddress(), channel.getRemoteAddress());
      if (mode == Mode.SELECTING) {
        channel.configureBlocking(false);
        // The channel's own provider: junixsocket channels only register with junixsocket selectors.
        transport.selector = channel.provider().openSelector();
        transport.key = channel.register(transport.selector, SelectionKey.OP_READ);
      } else {
        channel.configureBlocking(true);
        IoWatchdog.shared().watch(transport);
      }
      return transport;
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>In {@link Mode#BLOCKING}, a timed read that the watchdog ended returns 0 like any read that
   * timed out, and every read after it throws a {@link ClosedChannelException} that says so.
   */
  @Override
  public int read(ByteBuffer into, long timeoutNanos) throws IOException {
    int read;
    if (mode == Mode.BLOCKING) {
      read = blockingRead(into, timeoutNanos);
    } else {
      read = selectingRead(into, timeoutNanos);
    }
    if (read < 0 && !isOpen()) {
      // Closing may surface as end-of-stream in a blocked read; it was the fake, not the peer.
      throw new AsynchronousCloseException();
    }
    return read;
  }

  private int blockingRead(ByteBuffer into, long timeoutNanos) throws IOException {
    if (inputShut) {
      throw new ClosedBecause("the fake stopped reading this connection when a read of its timed out");
    }
    if (timeoutNanos == NO_TIMEOUT) {
      return channel.read(into);
    }
    if (timeoutNanos == 0) {
      return readWithoutWaiting(into);
    }
    return blockingReadBy(into, System.nanoTime() + timeoutNanos);
  }

  /**
   * {@inheritDoc}
   *
   * <p>In {@link Mode#BLOCKING}, the deadline goes to the watchdog as it is, without reading the
   * clock again.
   */
  @Override
  public int readBy(ByteBuffer into, long deadlineNanos) throws IOException {
    if (mode != Mode.BLOCKING) {
      return Transport.super.readBy(into, deadlineNanos);
    }
    int read = blockingReadBy(into, deadlineNanos);
    if (read < 0 && !isOpen()) {
      throw new AsynchronousCloseException();
    }
    return read;
  }

  private int blockingReadBy(ByteBuffer into, long deadline) throws IOException {
    if (inputShut) {
      throw new ClosedBecause("the fake stopped reading this connection when a read of its timed out");
    }
    readDeadline = deadline;
    readState.set(BUSY);
    IoWatchdog.shared().readEndsBy(deadline);
    int read = 0;
    try {
      read = channel.read(into);
    } catch (IOException e) {
      if (readState.get() != ABORTED || !isOpen()) {
        throw e;
      }
      // The watchdog shut the input down to end this read; what the channel made of that is no error.
    } finally {
      if (!readState.compareAndSet(BUSY, IDLE)) {
        inputShut = true;
        readState.set(IDLE);
      }
    }
    if (inputShut && read < 0 && isOpen()) {
      return 0; // the end of the stream the shutdown caused: a timeout, not the program's close
    }
    return read;
  }

  /**
   * A read that must not wait. The JDK's channels switch to non-blocking for it: the switch waits
   * for a write in progress on another thread (bounded by the watchdog) rather than disturb it.
   * Other channels (junixsocket's) are asked how many bytes wait, and read only if some do; the end
   * of the stream then shows at the next read that may wait.
   */
  private int readWithoutWaiting(ByteBuffer into) throws IOException {
    try {
      if (channel.provider() == SelectorProvider.provider()) {
        channel.configureBlocking(false);
        try {
          return channel.read(into);
        } finally {
          if (channel.isOpen()) {
            channel.configureBlocking(true);
          }
        }
      }
      if (available == null) {
        available = channel.socket().getInputStream();
      }
      return available.available() > 0 ? channel.read(into) : 0;
    } catch (IOException e) {
      if (!isOpen()) {
        throw new AsynchronousCloseException(); // the fake closed it: no failure of the program's
      }
      throw e;
    }
  }

  private int selectingRead(ByteBuffer into, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
    // After a read that filled the buffer more is probably waiting, so read before waiting;
    // otherwise wait first: a read that finds nothing would be a wasted system call.
    boolean readFirst = lastReadFilled || timeoutNanos == 0;
    while (true) {
      if (readFirst) {
        int capacity = into.remaining();
        int read = channel.read(into);
        if (read != 0) {
          lastReadFilled = read == capacity;
          return read;
        }
      }
      readFirst = true;
      long left = deadline - System.nanoTime();
      if (timeoutNanos != NO_TIMEOUT && left <= 0) {
        lastReadFilled = false;
        return 0;
      }
      await(SelectionKey.OP_READ, timeoutNanos == NO_TIMEOUT ? NO_TIMEOUT : left);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>How far a write got: the JDK's channels move the buffer's position by exactly what went out,
   * also in a call that then fails (a stop's interrupt or close landing as the call returns makes it
   * throw after its bytes left), so their position is trusted. junixsocket's channels move the
   * position to the end when a write fails after a shutdown, although nothing more went out; for
   * them only what {@code write} returned counts.
   */
  @Override
  public void write(ByteBuffer from, long timeoutNanos) throws IOException {
    writeBy(from, System.nanoTime() + timeoutNanos);
  }

  @Override
  public void writeBy(ByteBuffer from, long deadline) throws IOException {
    int start = from.position();
    long written = 0;
    try {
      if (mode == Mode.BLOCKING) {
        writeDeadline = deadline;
        writeState.set(BUSY);
        try {
          while (from.hasRemaining()) {
            written += channel.write(from);
          }
        } catch (IOException e) {
          written = writtenBefore(from, start, written);
          if (writeState.get() != ABORTED) {
            throw e;
          }
          // The watchdog ended a write that overran its deadline; the rest did not leave.
        } finally {
          writeState.set(IDLE);
        }
        return;
      }
      while (from.hasRemaining()) {
        int now;
        try {
          now = channel.write(from);
        } catch (IOException e) {
          written = writtenBefore(from, start, written);
          throw e;
        }
        written += now;
        if (now > 0) {
          continue;
        }
        // The program's receive window and our send buffer are full until it reads.
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        await(SelectionKey.OP_WRITE, left);
      }
    } finally {
      from.position(Math.toIntExact(start + written));
    }
  }

  /** What left before a write failed; see {@link #write}. */
  private long writtenBefore(ByteBuffer from, int start, long counted) {
    return jdkChannel ? from.position() - start : counted;
  }

  /**
   * For the watchdog: ends a blocking read or write that is still in progress after its deadline.
   * Shutting the input down wakes a read (see {@link #read}); shutting the output down wakes a
   * writer with the count it got through. If even that does not free the thread (some native
   * channels), a second call a moment later closes the channel.
   *
   * @return whether a call is (still) being aborted
   */
  @Override
  public boolean abortIfOverdue(long now) {
    return abortReadIfOverdue(now) | abortWriteIfOverdue(now);
  }

  @Override
  public long readDeadline() {
    return readState.get() == BUSY ? readDeadline : Long.MAX_VALUE;
  }

  private boolean abortReadIfOverdue(long now) {
    return abortIfOverdue(readState, readDeadline, now, channel::shutdownInput);
  }

  private boolean abortWriteIfOverdue(long now) {
    return abortIfOverdue(writeState, writeDeadline, now, channel::shutdownOutput);
  }

  /** One half-close that wakes a blocked read or write. */
  @FunctionalInterface
  private interface Shutdown {
    void run() throws IOException;
  }

  /**
   * Ends the call {@code state} tracks if it is past {@code deadline}, by {@code shutdown}; closes
   * the channel if the shutdown fails or, a tick later, did not wake the thread.
   */
  private boolean abortIfOverdue(AtomicInteger state, long deadline, long now, Shutdown shutdown) {
    int current = state.get();
    if (current == BUSY && now - deadline >= 0 && state.compareAndSet(BUSY, ABORTED)) {
      try {
        shutdown.run();
      } catch (IOException | RuntimeException e) {
        close();
      }
      return true;
    }
    if (current == ABORTED) {
      close(); // the shutdown did not wake it
      return true;
    }
    return false;
  }

  /**
   * Waits until the channel is ready for {@code operation}, for at most {@code nanos}, or until the
   * transport closes. May return early; callers try again and check their deadline.
   */
  private void await(int operation, long nanos) throws IOException {
    long millis = nanos == NO_TIMEOUT ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    if (selecting.tryLock()) {
      try {
        Selector own;
        synchronized (state) {
          if (closed) {
            throw new AsynchronousCloseException();
          }
          own = selector;
          if (key.interestOps() != operation) {
            key.interestOps(operation);
          }
        }
        own.select(millis);
        own.selectedKeys().clear();
      } catch (ClosedSelectorException | CancelledKeyException e) {
        throw new AsynchronousCloseException();
      } finally {
        selecting.unlock();
      }
      return;
    }
    // Another thread waits on the connection's selector (a handler writing from a second thread
    // while the first reads): wait on a temporary one, which close() also wakes.
    Selector temporary = channel.provider().openSelector();
    try {
      synchronized (state) {
        if (closed) {
          throw new AsynchronousCloseException();
        }
        waiting.add(temporary);
      }
      channel.register(temporary, operation);
      temporary.select(millis);
    } catch (ClosedSelectorException | CancelledKeyException e) {
      throw new AsynchronousCloseException();
    } finally {
      synchronized (state) {
        waiting.remove(temporary);
      }
      temporary.close();
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void reset() throws IOException {
    try {
      if (channel.isOpen() && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    Selector own;
    Set<Selector> others;
    synchronized (state) {
      if (closed) {
        return;
      }
      closed = true;
      own = selector;
      others = Set.copyOf(waiting);
    }
    if (mode == Mode.BLOCKING) {
      IoWatchdog.shared().forget(this);
    }
    closeQuietly(channel);
    // A registered channel lets its descriptor go only once its selectors let go of it; closing
    // the selector also wakes a thread waiting in it.
    if (own != null) {
      closeQuietly(own);
    }
    for (Selector other : others) {
      other.wakeup();
    }
  }

  @Override
  public boolean isOpen() {
    synchronized (state) {
      return !closed;
    }
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return "socket transport " + localAddress + " <-> " + remoteAddress + " (" + mode + ")";
  }

  static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      System.getLogger(SocketTransport.class.getName()).log(System.Logger.Level.DEBUG, "closing " + closeable, e);
    }
  }
}
