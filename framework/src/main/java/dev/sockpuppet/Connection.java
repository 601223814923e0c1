package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Side;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The record of one connection of a fake: who was at each end, every chunk in both directions in
 * order, and what happened to it (opened, half-closed, closed, reset, bytes that could not be
 * delivered). An accepted TCP or Unix-domain connection is one; so will be a client peer's
 * connection and a pair of pipes.
 *
 * <pre>{@code
 * Connection connection = server.awaitConnection();
 * connection.awaitReceivedLine("HELLO");
 * assertEquals(List.of("HELLO"), connection.received().lines());
 * }</pre>
 *
 * <p><b>Exactly what crossed.</b> {@link #received()} holds every byte the fake read, and {@link
 * #sent()} every byte the operating system accepted from the fake. A write is on record from the
 * moment it starts, so whatever the program has read is on record when the test looks; if the write
 * then fails or stalls part-way, the part that did not leave is taken off the record again and an
 * {@link ConnectionEvent.Kind#UNDELIVERED} event says how many bytes that was.
 *
 * <p>A {@code Connection} is live: the fake's threads append to it while the test reads it, and
 * every accessor returns an immutable snapshot of that moment. The {@code await…} methods wait,
 * bounded by the fake's timeout, and fail with an {@link org.opentest4j.AssertionFailedError} that
 * shows what did arrive. Sockpuppet implements this interface; tests only read it.
 */
public interface Connection {
  /** The fake this connection belongs to, as messages name it, e.g. {@code TcpServer 'api'}. */
  String fake();

  /** Position in the fake's order of connections, starting at 0. */
  int index();

  /**
   * The fake's own address on this connection (the listening address for an accepted connection),
   * as the transport reported it.
   */
  SocketAddress localAddress();

  /**
   * The program's address as the transport reported it: an {@link java.net.InetSocketAddress} for
   * TCP, a {@link java.net.UnixDomainSocketAddress} (usually unnamed) for Unix sockets.
   */
  SocketAddress peerAddress();

  /**
   * The peer's pid, uid and gid, for Unix-domain connections of a server built with {@code
   * withPeerCredentials()}; empty otherwise.
   */
  Optional<PeerCredentials> peerCredentials();

  /** Wall-clock time the connection was opened (accepted or connected). */
  Instant openedAt();

  /** How long this connection's waits last: its fake's timeout. */
  Duration timeout();

  /** Everything received from the program so far, in order. */
  Bytes received();

  /** Everything the fake sent to the program so far, in order: what the operating system accepted. */
  Bytes sent();

  /** Every chunk so far in both directions, in the order they happened. */
  List<Chunk> chunks();

  /** The chunks of one direction, in order. */
  List<Chunk> chunks(Direction direction);

  /** Opened, half-close, close, reset and undelivered events so far, in order. */
  List<ConnectionEvent> events();

  /** Neither closed nor reset yet. */
  boolean isOpen();

  /** Closed or reset, by either side. */
  boolean isClosed();

  /** The program shut down its output: the fake read end-of-stream. */
  boolean isPeerHalfClosed();

  /** The fake shut down its output. */
  boolean isFakeHalfClosed();

  /** Reset, by either side. */
  boolean wasReset();

  /** Who reset the connection, if it was reset. */
  Optional<Side> resetBy();

  /** Bytes the fake tried to send that did not leave (the sum of the UNDELIVERED events). */
  long undeliveredBytes();

  /** Waits until the received bytes contain {@code expected}. */
  Connection awaitReceived(Bytes expected);

  /** Waits until the received bytes contain the UTF-8 encoding of {@code text}. */
  Connection awaitReceived(String text);

  /** Waits until a complete line (LF-terminated, a CR before it stripped) equal to {@code line} arrived. */
  Connection awaitReceivedLine(String line);

  /**
   * Waits until {@code condition} holds for everything received so far.
   *
   * @param description the condition in words, for the failure message
   */
  Connection awaitReceived(String description, Predicate<Bytes> condition);

  /** Waits until the program has shut down its output, or the connection closed. */
  Connection awaitPeerHalfClosed();

  /** Waits until the connection is closed or reset. */
  Connection awaitClosed();

  /** A readable transcript of this connection: events, and each chunk as a hex dump. */
  String transcript();
}
