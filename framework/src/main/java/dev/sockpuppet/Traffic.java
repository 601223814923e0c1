package dev.sockpuppet;

import dev.sockpuppet.internal.Transcripts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything that crossed one fake: its connections in accept order, each with its chunks and
 * events.
 *
 * <pre>{@code
 * Traffic traffic = server.traffic();
 * traffic.connections().size();      // how many connections were accepted
 * traffic.received().text();         // all received bytes, connection by connection
 * System.out.println(traffic.transcript());
 * }</pre>
 *
 * <p>Live: the fake keeps adding to it; each accessor returns an immutable snapshot.
 */
public final class Traffic {
  private final String server;
  private final Duration timeout;
  private final Supplier<List<Connection>> connections;

  Traffic(String server, Duration timeout, Supplier<List<Connection>> connections) {
    this.server = server;
    this.timeout = timeout;
    this.connections = connections;
  }

  /** How long waits on this traffic last: its server's timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** The fake this traffic crossed, as messages name it. */
  public String server() {
    return server;
  }

  /** Connections so far, in accept order. */
  public List<Connection> connections() {
    return connections.get();
  }

  /**
   * The connection at {@code index} in accept order.
   *
   * @throws IndexOutOfBoundsException naming how many connections there are
   */
  public Connection connection(int index) {
    List<Connection> all = connections();
    if (index < 0 || index >= all.size()) {
      throw new IndexOutOfBoundsException(
          server + " has " + all.size() + (all.size() == 1 ? " connection" : " connections")
              + ", so there is no connection #" + index);
    }
    return all.get(index);
  }

  /** All bytes received on all connections, connection after connection in accept order. */
  public Bytes received() {
    return concat(Direction.RECEIVED);
  }

  /** All bytes sent on all connections, connection after connection in accept order. */
  public Bytes sent() {
    return concat(Direction.SENT);
  }

  /** A readable transcript of every connection: events and hex dumps with arrows. */
  public String transcript() {
    return Transcripts.of(server, connections());
  }

  @Override
  public String toString() {
    return "traffic of " + server;
  }

  private Bytes concat(Direction direction) {
    List<Bytes> parts = new ArrayList<>();
    for (Connection connection : connections()) {
      parts.add(direction == Direction.RECEIVED ? connection.received() : connection.sent());
    }
    return Bytes.concat(parts.toArray(new Bytes[0]));
  }
}
