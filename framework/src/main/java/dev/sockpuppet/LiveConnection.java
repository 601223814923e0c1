package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * The fake's end of one open connection, as a {@link Handler} sees it. Every read records what it
 * takes from the socket before returning it, and every write is recorded before it goes out, so
 * the recording always holds at least what either side has seen.
 *
 * <p>Like a real server, the fake reads when the handler reads: bytes the peer sends meanwhile
 * wait in the socket (and a peer that sends a lot is slowed down by TCP flow control) until the
 * handler reads them or returns. When the handler returns, whatever already arrived is recorded
 * before the connection closes.
 *
 * <p>Every read waits at most {@link #readTimeout()} (the server's timeout unless changed) and
 * then fails with an {@link AssertionFailedError} that shows what arrived. Reads belong to the
 * handler's thread; writes may come from any thread and are serialised.
 */
public final class LiveConnection {
  private final Connection connection;
  private final SocketChannel channel;
  /** How a handler's reads reach the socket; null for canned responders, which never read. */
  private final ChannelPump pump;
  private final StreamEngine engine;
  private final Object writeLock = new Object();
  private volatile Duration readTimeout;
  private long position;

  LiveConnection(Connection connection, SocketChannel channel, ChannelPump pump, StreamEngine engine, Duration readTimeout) {
    this.connection = connection;
    this.channel = channel;
    this.pump = pump;
    this.engine = engine;
    this.readTimeout = readTimeout;
  }

  /** The record of this connection. */
  public Connection connection() {
    return connection;
  }

  /** Position of this connection in the server's accept order. */
  public int index() {
    return connection.index();
  }

  /** How long each read waits before it fails. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Changes how long each later read waits. */
  public LiveConnection readTimeout(Duration timeout) {
    this.readTimeout = Durations.requirePositive(timeout, "read timeout");
    return this;
  }

  /**
   * Waits for at least one unread byte and returns all unread bytes; returns empty bytes once the
   * peer has shut down its output and everything was read.
   */
  public Bytes read() throws IOException, InterruptedException {
    Bytes bytes = readUntil("any bytes", unread -> unread.isEmpty() ? -1 : unread.size(), true);
    return bytes == null ? Bytes.empty() : bytes;
  }

  /** Waits for exactly {@code count} more bytes and returns them. */
  public Bytes readExactly(long count) throws IOException, InterruptedException {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    return readUntil(count + " bytes", unread -> unread.size() >= count ? count : -1, false);
  }

  /**
   * Waits for a line and returns it without its LF (or CRLF). A final line without a terminator is
   * returned when the peer half-closes; after that, returns null.
   */
  public String readLine() throws IOException, InterruptedException {
    Bytes line =
        readUntil(
            "a line",
            unread -> {
              long lf = unread.indexOf(NEWLINE);
              return lf < 0 ? -1 : lf + 1;
            },
            true);
    if (line == null) {
      return null;
    }
    long end = line.size();
    if (end > 0 && line.byteAt(end - 1) == '\n') {
      end--;
      if (end > 0 && line.byteAt(end - 1) == '\r') {
        end--;
      }
    }
    return line.slice(0, end).text();
  }

  /** Waits until {@code delimiter} arrives and returns everything up to and including it. */
  public Bytes readUntil(Bytes delimiter) throws IOException, InterruptedException {
    Objects.requireNonNull(delimiter, "delimiter");
    return readUntil(
        HexDump.quoted(delimiter),
        unread -> {
          long at = unread.indexOf(delimiter);
          return at < 0 ? -1 : at + delimiter.size();
        },
        false);
  }

  /** Waits until the peer shuts down its output and returns everything not read yet. */
  public Bytes readToEnd() throws IOException, InterruptedException {
    Bytes rest = readUntil("the end of the stream", unread -> -1, true);
    return rest == null ? Bytes.empty() : rest;
  }

  /**
   * Records {@code bytes} and sends them. They are recorded before they go out, so whatever the
   * peer has read is already on record when the test looks. A write that fails part-way records
   * a reset with how many bytes were delivered, and throws.
   */
  public LiveConnection write(Bytes bytes) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    synchronized (writeLock) {
      connection.recordSent(bytes);
      long written = 0;
      try {
        for (Segment segment : bytes.segments()) {
          ByteBuffer buffer = segment.asBuffer();
          while (buffer.hasRemaining()) {
            int now = channel.write(buffer);
            written += now;
            if (now == 0 && pump != null) {
              // Non-blocking mode: the peer's receive window is full until it reads.
              pump.awaitWritable();
            }
          }
        }
      } catch (ClosedChannelException e) {
        throw e;
      } catch (IOException e) {
        connection.event(
            Kind.RESET, Side.PEER, "write failed after " + written + " of " + bytes.size() + " bytes: " + e.getMessage());
        throw e;
      }
    }
    return this;
  }

  /** Sends the UTF-8 encoding of {@code text}. */
  public LiveConnection write(String text) throws IOException {
    return write(Bytes.of(text));
  }

  /** Sends a copy of {@code bytes}. */
  public LiveConnection write(byte[] bytes) throws IOException {
    return write(Bytes.of(bytes));
  }

  /** Sends {@code line} and an LF. */
  public LiveConnection writeLine(String line) throws IOException {
    return write(line + "\n");
  }

  /** Shuts down the fake's output: the peer reads end-of-stream, and can still send. */
  public void shutdownOutput() throws IOException {
    synchronized (writeLock) {
      if (connection.event(Kind.HALF_CLOSED, Side.FAKE, "")) {
        channel.shutdownOutput();
      }
    }
  }

  /** Closes the connection. Does nothing if it is closed already. */
  public void close() throws IOException {
    if (connection.event(Kind.CLOSED, Side.FAKE, "")) {
      closeChannel();
    }
  }

  /**
   * Resets the connection: closes it with linger 0, so a TCP peer gets RST instead of FIN. For
   * Unix sockets, which have no RST, the peer sees the connection end, with an error if it had
   * unread data.
   */
  public void reset() throws IOException {
    if (connection.event(Kind.RESET, Side.FAKE, "")) {
      if (channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
      closeChannel();
    }
  }

  /** Whether neither side closed or reset the connection yet. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public String toString() {
    return "live " + connection;
  }

  // ---- for the fake's own threads ----

  SocketChannel channel() {
    return channel;
  }

  void unmatchedLine(String line) {
    engine.unmatchedLine(connection, line);
  }

  /** After the handler returned: records what already arrived, then closes. */
  void finish() throws IOException {
    if (pump != null && connection.isOpen()) {
      pump.readAvailable();
    }
    close();
  }

  /** The server stops: closes the connection, waking a thread blocked on it. */
  void stop() {
    if (connection.event(Kind.CLOSED, Side.FAKE, "server stopped")) {
      StreamEngine.closeQuietly(channel);
    }
    release();
  }

  /** Lets go of the pump's selectors, which also frees a closed channel's file descriptor. */
  void release() {
    if (pump != null) {
      pump.close();
    }
  }

  private void closeChannel() throws IOException {
    try {
      channel.close();
    } finally {
      release();
    }
  }

  /** Measures how much of {@code unread} a read takes, or -1 if it must wait for more. */
  @FunctionalInterface
  private interface Extent {
    long of(Bytes unread);
  }

  /**
   * Waits until {@code extent} finds its end in the unread bytes and consumes that much. When the
   * input ends first, returns what is left if {@code endOk} (null if nothing is left), or fails.
   */
  private Bytes readUntil(String what, Extent extent, boolean endOk) throws IOException, InterruptedException {
    if (pump == null) {
      throw new IllegalStateException("reads belong to a Handler; " + connection + " is played by a responder");
    }
    Duration timeout = readTimeout;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ended = connection.inputEnded();
      Bytes unread = connection.receivedFrom(position);
      long end = extent.of(unread);
      if (end >= 0) {
        position += end;
        return unread.slice(0, end);
      }
      if (ended) {
        if (!endOk) {
          throw new AssertionFailedError(
              connection + ": the input ended while the handler waited for " + what + "; unread: "
                  + HexDump.describe(unread));
        }
        position += unread.size();
        return unread.isEmpty() ? null : unread;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionFailedError(
            connection + ": timed out after " + Durations.describe(timeout) + " waiting for " + what
                + "; unread: " + HexDump.describe(unread));
      }
      pump.fill(left);
      if (Thread.interrupted()) {
        throw new InterruptedException(connection + " was interrupted while waiting for " + what);
      }
    }
  }

  private static final Bytes NEWLINE = Bytes.of("\n".getBytes(StandardCharsets.US_ASCII));
}
