package dev.sockpuppet.behaviour;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import java.io.IOException;
import java.time.Duration;

/**
 * The fake's end of one open connection, as a {@link Handler} plays it. Every read records what it
 * takes before returning it, and every write is on record exactly as far as it got.
 *
 * <pre>{@code
 * TcpServer.create().withHandler(connection -> {
 *   String command = connection.readLine();
 *   connection.writeLine("OK " + command);
 * });
 * }</pre>
 *
 * <p><b>Reads</b> belong to the handler's thread. Like a real server, the fake reads when the
 * handler reads: bytes the program sends meanwhile wait in the socket until the handler reads them
 * or returns. Every read waits at most {@link #readTimeout()} (the fake's timeout unless changed)
 * and then fails with an {@link org.opentest4j.AssertionFailedError} that shows what arrived; the
 * connection stays usable after a timed-out read.
 *
 * <p><b>Writes</b> may come from any thread and are serialised. Each waits at most the fake's
 * timeout for the program to make room: a write that stalls (the program stopped reading) or fails
 * part-way keeps what left on record, records the rest as {@link
 * dev.sockpuppet.ConnectionEvent.Kind#UNDELIVERED}, and throws. A stalled write is also a problem
 * that the fake's {@code verify()} reports, and it resets the connection.
 *
 * <p>Sockpuppet implements this interface; handlers only use it.
 */
public interface LiveConnection {
  /** The record of this connection. */
  Connection connection();

  /** Position of this connection in the fake's order of connections. */
  int index();

  /** How long each read waits before it fails. */
  Duration readTimeout();

  /** Changes how long each later read waits. */
  LiveConnection readTimeout(Duration timeout);

  /**
   * Waits for at least one unread byte and returns all unread bytes; returns empty bytes once the
   * program has shut down its output and everything was read.
   */
  Bytes read() throws IOException, InterruptedException;

  /** Waits for exactly {@code count} more bytes and returns them. */
  Bytes readExactly(long count) throws IOException, InterruptedException;

  /**
   * Waits for a line and returns it without its LF (or CRLF). A final line without a terminator is
   * returned (without a trailing CR) when the program half-closes; after that, returns null.
   */
  String readLine() throws IOException, InterruptedException;

  /** Waits until {@code delimiter} arrives and returns everything up to and including it. */
  Bytes readUntil(Bytes delimiter) throws IOException, InterruptedException;

  /** Waits until the program shuts down its output and returns everything not read yet. */
  Bytes readToEnd() throws IOException, InterruptedException;

  /** Sends {@code bytes}; see the class comment for what a stalled or failed write records. */
  LiveConnection write(Bytes bytes) throws IOException;

  /** Sends the UTF-8 encoding of {@code text}. */
  LiveConnection write(String text) throws IOException;

  /** Sends a copy of {@code bytes}. */
  LiveConnection write(byte[] bytes) throws IOException;

  /** Sends {@code line} and an LF. */
  LiveConnection writeLine(String line) throws IOException;

  /**
   * Shuts down the fake's output: the program reads end-of-stream, and can still send. Later writes
   * fail without being recorded.
   */
  void shutdownOutput() throws IOException;

  /** Closes the connection. Does nothing if it is closed already. */
  void close() throws IOException;

  /**
   * Resets the connection: closes it with linger 0, so a TCP peer gets RST instead of FIN. For
   * Unix sockets, which have no RST, the peer sees the connection end, with an error if it had
   * unread data.
   */
  void reset() throws IOException;

  /** Whether neither side closed or reset the connection yet. */
  boolean isOpen();
}
