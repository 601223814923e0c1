package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.Direction;
import dev.sockpuppet.behaviour.LiveConnection;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.recording.ConnectionRecord.PendingSend;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.Recorder;
import dev.sockpuppet.internal.recording.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.opentest4j.AssertionFailedError;

/**
 * The fake's end of one connection over any {@link Transport}: what handlers see as {@link
 * LiveConnection}, what canned responders react through, and what the {@link ConnectionRunner}
 * drives. Every read goes into the {@link ConnectionRecord} before anyone sees it; every write is
 * recorded exactly as far as the transport took it.
 *
 * <p>Whatever the recording says, {@link #close()}, {@link #reset()} and {@link #stop} always close
 * the transport: whether an event could still be recorded (the peer may have reset first) never
 * decides whether a descriptor is released.
 */
public final class ConnectionIo implements LiveConnection {
  private static final Bytes NEWLINE = Bytes.of("\n".getBytes(StandardCharsets.US_ASCII));

  private final ConnectionRecord record;
  private final Transport transport;
  private final ChunkReader reader;
  private final Problems problems;
  private final Duration writeTimeout;
  /**
   * Serialises writes. A lock, not a monitor: a write may block for the whole write timeout, and on
   * Java 21 to 23 a virtual thread blocked inside {@code synchronized} holds its carrier thread.
   */
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile Duration readTimeout;
  /** How far handler reads have consumed the received stream. */
  private long position;

  public ConnectionIo(ConnectionRecord record, Transport transport, Recorder recorder, Problems problems, Duration timeout) {
    this.record = record;
    this.transport = transport;
    this.reader = new ChunkReader(transport, record, recorder);
    this.problems = problems;
    this.writeTimeout = timeout;
    this.readTimeout = timeout;
  }

  // ---- LiveConnection ----

  @Override
  public Connection connection() {
    return record;
  }

  @Override
  public int index() {
    return record.index();
  }

  @Override
  public Duration readTimeout() {
    return readTimeout;
  }

  @Override
  public LiveConnection readTimeout(Duration timeout) {
    this.readTimeout = Durations.requirePositive(timeout, "read timeout");
    return this;
  }

  @Override
  public Bytes read() throws IOException, InterruptedException {
    Bytes bytes = readUntil("any bytes", unread -> unread.isEmpty() ? -1 : unread.size(), true);
    return bytes == null ? Bytes.empty() : bytes;
  }

  @Override
  public Bytes readExactly(long count) throws IOException, InterruptedException {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    return readUntil(count + " bytes", unread -> unread.size() >= count ? count : -1, false);
  }

  @Override
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
    }
    // A CR before the LF is part of the terminator, and so is a CR the final line ends with.
    if (end > 0 && line.byteAt(end - 1) == '\r') {
      end--;
    }
    return line.slice(0, end).text();
  }

  @Override
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

  @Override
  public Bytes readToEnd() throws IOException, InterruptedException {
    Bytes rest = readUntil("the end of the stream", unread -> -1, true);
    return rest == null ? Bytes.empty() : rest;
  }

  @Override
  public LiveConnection write(Bytes bytes) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    writeLock.lock();
    try {
      String ended = record.outputEndedBecause();
      if (ended != null) {
        record.refusedSend(bytes.size(), ended);
        throw new OutputEndedException(record + ": nothing was sent, because " + ended);
      }
      try {
        if (!bytes.isEmpty()) {
          transport.beforeWrite();
        }
      } catch (ClosedChannelException e) {
        record.refusedSend(bytes.size(), e.getMessage() != null ? e.getMessage() : "the fake closed the connection");
        throw e;
      }
      // One clock reading serves the record's time and the write's deadline.
      long now = System.nanoTime();
      PendingSend pending = record.beginSent(bytes, now);
      long delivered = 0;
      long deadline = now + writeTimeout.toNanos();
      try {
        for (Segment segment : Access.bytes().segments(bytes)) {
          ByteBuffer buffer = segment.asBuffer();
          int start = buffer.position();
          try {
            transport.writeBy(buffer, deadline);
          } finally {
            delivered += buffer.position() - start;
          }
          if (buffer.hasRemaining()) {
            throw stalled(pending, delivered, bytes.size());
          }
        }
      } catch (WriteStalledException e) {
        throw e;
      } catch (ClosedChannelException e) {
        if (delivered == bytes.size()) {
          // Every byte left; the channel closed as the write returned (a stop's interrupt makes the
          // JDK close it and throw although the write completed). The write succeeded, and the next
          // call finds the connection closed.
          return this;
        }
        // A fault's own exception says which fault ended the write; the JDK's carry no message.
        record.finishSent(pending, delivered, e.getMessage() != null ? e.getMessage() : "the fake closed the connection");
        throw e;
      } catch (IOException e) {
        record.finishSent(pending, delivered, "the write failed: " + e.getMessage());
        if (transport.writeFailureEndsOutputOnly()) {
          // A pipe: the program stopped reading, but what it wrote is still to be read and recorded.
          record.event(Kind.PIPE_CLOSED, Side.PEER, "the program no longer reads what the fake sends: " + e.getMessage());
          throw e;
        }
        record.event(Kind.RESET, Side.PEER, String.valueOf(e.getMessage()));
        transport.close();
        throw e;
      } finally {
        transport.recorded(Direction.SENT);
      }
    } finally {
      writeLock.unlock();
    }
    return this;
  }

  /** The program stopped reading: records what left, reports the stall, and resets the connection. */
  private WriteStalledException stalled(PendingSend pending, long delivered, long size) {
    String why = "the program read nothing for " + Durations.describe(writeTimeout) + " (the fake's timeout)";
    record.finishSent(pending, delivered, "the write stalled: " + why);
    WriteStalledException stall =
        new WriteStalledException(
            record + ": a write of " + count(size) + " stalled after " + count(delivered) + ": " + why
                + "; the connection was reset");
    problems.add(stall.getMessage(), null);
    resetQuietly("the write stalled");
    return stall;
  }

  @Override
  public LiveConnection write(String text) throws IOException {
    return write(Bytes.of(text));
  }

  @Override
  public LiveConnection write(byte[] bytes) throws IOException {
    return write(Bytes.of(bytes));
  }

  @Override
  public LiveConnection writeLine(String line) throws IOException {
    return write(line + "\n");
  }

  @Override
  public void shutdownOutput() throws IOException {
    writeLock.lock();
    try {
      if (record.event(Kind.HALF_CLOSED, Side.FAKE, "")) {
        transport.shutdownOutput();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    record.event(Kind.CLOSED, Side.FAKE, "");
    transport.close();
  }

  @Override
  public void reset() throws IOException {
    record.event(Kind.RESET, Side.FAKE, "");
    transport.reset();
  }

  @Override
  public boolean isOpen() {
    return record.isOpen();
  }

  @Override
  public String toString() {
    return "live " + record;
  }

  // ---- for the engine and the responders ----

  /** The recording of this connection. */
  public ConnectionRecord record() {
    return record;
  }

  /** The fault that ended this connection on purpose, or null (see {@link Transport#endedByFault()}). */
  String endedByFault() {
    return transport.endedByFault();
  }

  /** Reports a problem of this connection's fake (an unmatched line, say) for its verify(). */
  public void reportProblem(String description) {
    problems.add(description, null);
  }

  /**
   * Reads and records once, waiting up to {@code timeoutNanos}; returns the bytes read, or null when
   * nothing arrived or the input ended (see {@link #inputEnded()}).
   */
  Segment readChunk(long timeoutNanos) throws ClosedChannelException {
    return reader.read(timeoutNanos);
  }

  /** {@link #readChunk} until {@code deadlineNanos}, a {@link System#nanoTime()} value in the future. */
  Segment readChunkBy(long deadlineNanos) throws ClosedChannelException {
    return reader.readBy(deadlineNanos);
  }

  /** Whether the program half-closed or reset, as far as this connection's reads have seen. */
  boolean inputEnded() {
    return reader.ended();
  }

  /** Whether the input ended, as the recording or this connection's reads know it. */
  boolean inputEndedAnyway() {
    return record.inputEnded() || reader.ended();
  }

  /** What arrived and no read of a handler or script step consumed yet. */
  Bytes unread() {
    return record.receivedFrom(position);
  }

  /** Where the unread bytes begin in the received stream. */
  long position() {
    return position;
  }

  /** Marks {@code count} more bytes as consumed, by a script step that matched them. */
  void consume(long count) {
    position += count;
  }

  /** Whether the transport is still open (the fake neither closed nor reset it). */
  boolean transportOpen() {
    return transport.isOpen();
  }

  /**
   * After a handler returned: records what already arrived, then closes. A program that keeps
   * sending would keep this going, so it stops after {@link Joiner#GRACE} at the latest; what it
   * sends after that is not read, and the close may then reach it as a reset.
   */
  void finishAfterHandler() throws ClosedChannelException {
    long deadline = System.nanoTime() + Joiner.GRACE.toNanos();
    if (record.isOpen()) {
      while (readChunk(0) != null && System.nanoTime() - deadline < 0) {
        // take in whatever is waiting, so the recording holds everything the program sent
      }
    }
    close();
  }

  /** The fake stops: closes the connection, which wakes a thread blocked on it. */
  void stop() {
    record.event(Kind.CLOSED, Side.FAKE, "the fake stopped");
    transport.close();
  }

  /** Records a reset by the fake and resets, without throwing (the transport is closed whatever happens). */
  void resetQuietly(String detail) {
    record.event(Kind.RESET, Side.FAKE, detail);
    try {
      transport.reset();
    } catch (IOException | RuntimeException e) {
      System.getLogger(ConnectionIo.class.getName()).log(System.Logger.Level.DEBUG, "resetting " + record, e);
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
    Duration timeout = readTimeout;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ended = record.inputEnded() || reader.ended();
      Bytes unread = record.receivedFrom(position);
      long end = extent.of(unread);
      if (end >= 0) {
        position += end;
        return unread.slice(0, end);
      }
      if (ended) {
        if (!endOk) {
          throw new AssertionFailedError(
              record + ": the input ended while the handler waited for " + what + "; unread: "
                  + HexDump.describe(unread));
        }
        position += unread.size();
        return unread.isEmpty() ? null : unread;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionFailedError(
            record + ": timed out after " + Durations.describe(timeout) + " waiting for " + what
                + "; unread: " + HexDump.describe(unread));
      }
      readChunk(left);
      if (Thread.interrupted()) {
        throw new InterruptedException(record + " was interrupted while waiting for " + what);
      }
    }
  }

  private static String count(long bytes) {
    return bytes == 1 ? "1 byte" : bytes + " bytes";
  }

  /** A write refused because the connection can no longer send; nothing went out. */
  static final class OutputEndedException extends ClosedBecause {
    private static final long serialVersionUID = 1L;

    OutputEndedException(String message) {
      super(message);
    }
  }

  /** A write that the program did not take in time; already reported as a problem. */
  static final class WriteStalledException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteStalledException(String message) {
      super(message);
    }
  }
}
