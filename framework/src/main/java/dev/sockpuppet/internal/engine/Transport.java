package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Direction;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One duplex byte stream between a fake and the program: an accepted TCP or Unix-domain connection
 * today, a client peer's connection or a pair of pipes tomorrow. The {@link ConnectionRunner}, the
 * recording, {@link dev.sockpuppet.behaviour.LiveConnection}, responders and handlers sit on top of
 * this interface and nothing else, and a fault (latency, slicing, a reset after N bytes) is a
 * transport that wraps another.
 *
 * <p><b>Threads.</b> One thread reads at a time; one thread writes at a time (callers serialise
 * writes); {@link #close()} and {@link #reset()} may come from any thread at any moment and wake
 * whatever is blocked in {@link #read} or {@link #write}.
 *
 * <p><b>Errors.</b> A {@link java.nio.channels.ClosedChannelException} (or a subclass) means the
 * fake closed the transport; any other {@link IOException} means the connection failed on the
 * program's side (a reset, a broken pipe).
 */
public interface Transport {
  /** A read timeout meaning: wait until bytes or the end of the stream arrive, or the transport closes. */
  long NO_TIMEOUT = -1;

  /**
   * Reads what is available into {@code into}, waiting up to {@code timeoutNanos} for at least one
   * byte ({@link #NO_TIMEOUT}: no limit; 0: do not wait).
   *
   * @return the number of bytes read; 0 when none arrived in time; -1 at the end of the stream
   * @throws IllegalStateException if this transport cannot wait with a bound (see its docs)
   */
  int read(ByteBuffer into, long timeoutNanos) throws IOException;

  /**
   * Writes what remains in {@code from}, waiting up to {@code timeoutNanos} in all for the program
   * to make room. Returns when everything was written or the time is up: what is still remaining in
   * {@code from} then did not leave. On an exception, {@code from}'s position likewise tells how far
   * the write got before it failed.
   */
  void write(ByteBuffer from, long timeoutNanos) throws IOException;

  /**
   * {@link #read} until {@code deadlineNanos}, a {@link System#nanoTime()} value in the future: for
   * callers that already read the clock, so that a transport that works with deadlines needs no
   * second reading.
   */
  default int readBy(ByteBuffer into, long deadlineNanos) throws IOException {
    return read(into, Math.max(1, deadlineNanos - System.nanoTime()));
  }

  /** {@link #write} until {@code deadlineNanos}, a {@link System#nanoTime()} value; see {@link #readBy}. */
  default void writeBy(ByteBuffer from, long deadlineNanos) throws IOException {
    write(from, Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /**
   * Called before each write goes on record, and waits while something holds what the fake sends
   * on purpose (a fault's stall or latency), so the recording never shows as sent what is still
   * held back. Throws a {@link java.nio.channels.ClosedChannelException} if the transport closes
   * meanwhile; nothing of the write left then.
   */
  default void beforeWrite() throws IOException {}

  /** Ends the fake's output: the program reads end-of-stream, and may still send. */
  void shutdownOutput() throws IOException;

  /**
   * Ends the connection abruptly: a TCP peer gets RST instead of FIN. Always closes the transport,
   * also when the reset itself fails; idempotent.
   */
  void reset() throws IOException;

  /** Closes the transport and wakes any thread blocked in it. Idempotent; never throws. */
  void close();

  /** Whether neither {@link #close()} nor {@link #reset()} was called yet. */
  boolean isOpen();

  /**
   * Called once the outcome of the last {@link #read} ({@link Direction#RECEIVED}) or {@link
   * #write} ({@link Direction#SENT}) is on record: the bytes read, or how far the write got. A fault
   * that ends the connection after N bytes ends it here rather than inside the read or write, so
   * the recording is complete, and shows the bytes before the end they caused, by the time anyone
   * sees the connection end.
   */
  default void recorded(Direction direction) {}

  /**
   * The fault that ended this transport on purpose (e.g. {@code close after 10 bytes towards the
   * program}), or null: failures it causes in a handler or responder are expected, not problems.
   */
  default String endedByFault() {
    return null;
  }

  /**
   * Whether a failed write ends the output alone. True for pipes: a broken pipe means the program
   * closed the pipe it reads, while what it writes to the other one must still be read to its
   * end (closing the transport then would lose output already in the pipe). False for sockets, where
   * a failed write means the connection is gone.
   */
  default boolean writeFailureEndsOutputOnly() {
    return false;
  }

  /** The fake's address on this connection, or null if the transport has none. */
  SocketAddress localAddress();

  /** The program's address, or null if the transport has none. */
  SocketAddress remoteAddress();
}
