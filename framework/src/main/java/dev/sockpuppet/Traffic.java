package dev.sockpuppet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything that crossed one fake in one run: its connections in order, each with its chunks and
 * events, and the datagrams it received and sent.
 *
 * <pre>{@code
 * Traffic traffic = server.traffic();
 * traffic.connections().size();      // how many connections there were
 * traffic.connection(0).received();  // what the first one received
 * System.out.println(traffic.transcript());
 * }</pre>
 *
 * <p>Times in the recording ({@link Chunk#at()}, {@link ConnectionEvent#at()}, {@link
 * Datagram#at()}) are offsets on a monotonic clock from {@link #startedAt()}, so {@code
 * startedAt().plus(chunk.at())} is the wall-clock time of a chunk.
 *
 * <p>Live: the fake keeps adding to it; each accessor returns an immutable snapshot. Sockpuppet
 * implements this interface; tests only read it.
 */
public interface Traffic {
  /** The fake this traffic crossed, as messages name it, e.g. {@code TcpServer 'api'}. */
  String fake();

  /** How long waits on this traffic last: its fake's timeout. */
  Duration timeout();

  /** Wall-clock time the recording began: when the fake started. */
  Instant startedAt();

  /** Connections so far, in the order they were opened. */
  List<Connection> connections();

  /**
   * The connection at {@code index}.
   *
   * @throws IndexOutOfBoundsException naming how many connections there are
   */
  Connection connection(int index);

  /** Datagrams so far, received and sent, in the order they crossed. Stream fakes have none. */
  List<Datagram> datagrams();

  /**
   * All bytes received on all connections, one connection's after the other's. Connection
   * boundaries are lost here; the assertions never use it to match lines or patterns.
   */
  Bytes received();

  /** All bytes sent on all connections, one connection's after the other's. */
  Bytes sent();

  /** A readable transcript of every connection and datagram: events and hex dumps with arrows. */
  String transcript();
}
