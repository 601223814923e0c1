package dev.sockpuppet;

import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on everything that crossed a fake; start with {@link SocketAssertions#assertThat(Fake)}
 * or {@link SocketAssertions#assertThat(Traffic)}.
 *
 * <pre>{@code
 * assertThat(server).eventually().hasConnectionCount(2).receivedContaining("QUIT");
 * assertThat(server).receivedLines("HELO client", "QUIT");      // all connections' lines, in order
 * assertThat(server).receivedExactly("GET /a\n", "GET /b\n");   // connection #0, then connection #1
 * assertThat(server).connection(0).sentExactly("220 ready\r\n");
 * }</pre>
 *
 * <p><b>Connections stay apart.</b> No check here joins the end of one connection to the start of
 * the next, so none can match bytes or a line that never crossed as such: {@link
 * #receivedExactly(String...)} takes one value per connection, {@link #receivedLines(String...)}
 * lists each connection's lines in turn (a connection's last line ends with the connection, LF or
 * not), and {@link #receivedContaining(String)} and {@link #receivedMatching(String)} look for one
 * connection that fits. Use {@link #connection(int)} for everything about one connection.
 *
 * <p>{@link #eventually()} and {@link #within(Duration)} retry each following check until it
 * passes, and then fail with its last failure.
 */
public final class TrafficAssert {
  /** Connections a failure lists at either end of a long list. */
  private static final int SHOWN_EACH_END = 5;

  private final Traffic traffic;
  private final Fake fake;
  private final Duration wait;

  TrafficAssert(Traffic traffic, Fake fake, Duration wait) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.fake = fake;
    this.wait = wait;
  }

  /** Retries each following check for up to the fake's timeout. */
  public TrafficAssert eventually() {
    return within(traffic.timeout());
  }

  /** Retries each following check for up to {@code timeout}. */
  public TrafficAssert within(Duration timeout) {
    return new TrafficAssert(traffic, fake, Durations.requirePositive(timeout, "timeout"));
  }

  /** Exactly {@code count} connections were opened. */
  public TrafficAssert hasConnectionCount(int count) {
    return check("to have " + count + " connections",
        () -> Checks.count(traffic.fake(), "connections", count, traffic.connections().size()));
  }

  /**
   * Assertions on the connection at {@code index}; with {@link #eventually()}, waits for it to be
   * opened first.
   */
  public ConnectionAssert connection(int index) {
    check("to accept connection #" + index,
        () -> index < traffic.connections().size()
            ? null
            : new AssertionFailedError(traffic.fake() + " has " + traffic.connections().size()
                + " connections, so there is no connection #" + index));
    return new ConnectionAssert(traffic.connection(index), wait);
  }

  /**
   * There were exactly as many connections as values given, and connection #i received exactly
   * the i-th value: {@code receivedExactly("PING\n")} for a single connection.
   */
  public TrafficAssert receivedExactly(Bytes... perConnection) {
    return exactly(Direction.RECEIVED, List.of(perConnection), Connection::received);
  }

  /** {@link #receivedExactly(Bytes...)} with the UTF-8 encodings of {@code perConnection}. */
  public TrafficAssert receivedExactly(String... perConnection) {
    return receivedExactly(encode(perConnection));
  }

  /** There were exactly as many connections as values given, and connection #i sent exactly the i-th. */
  public TrafficAssert sentExactly(Bytes... perConnection) {
    return exactly(Direction.SENT, List.of(perConnection), Connection::sent);
  }

  /** {@link #sentExactly(Bytes...)} with the UTF-8 encodings of {@code perConnection}. */
  public TrafficAssert sentExactly(String... perConnection) {
    return sentExactly(encode(perConnection));
  }

  /** Some connection received bytes containing {@code expected}. */
  public TrafficAssert receivedContaining(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have received " + expected, () -> {
      for (Connection connection : traffic.connections()) {
        if (connection.received().contains(expected)) {
          return null;
        }
      }
      return new AssertionFailedError(
          traffic.fake() + " received nothing containing " + HexDump.quoted(expected) + " on any connection; "
              + describe(Direction.RECEIVED, Connection::received));
    });
  }

  /** Some connection received the UTF-8 encoding of {@code expected}. */
  public TrafficAssert receivedContaining(String expected) {
    return receivedContaining(Bytes.of(expected));
  }

  /**
   * The lines of every connection, one connection after the other in the order they opened, are
   * exactly {@code lines}. Each connection's text is split at LF (a CR before it stripped), and its
   * last line ends with the connection whether or not an LF ended it.
   */
  public TrafficAssert receivedLines(String... lines) {
    List<String> expected = List.of(lines);
    return check("to have received the lines " + expected, () -> {
      List<Checks.LineSource> sources = new ArrayList<>();
      for (Connection connection : traffic.connections()) {
        sources.add(new Checks.LineSource(connection.fake() + " connection #" + connection.index(), connection.received()));
      }
      return Checks.lines(traffic.fake(), Direction.RECEIVED, expected, sources);
    });
  }

  /** The whole received text of some connection matches {@code regex}. */
  public TrafficAssert receivedMatching(String regex) {
    Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
    return check("to have received text matching /" + regex + "/", () -> {
      AssertionFailedError nearest = null;
      long reach = -1;
      for (Connection connection : traffic.connections()) {
        AssertionFailedError failure = Checks.matching(
            connection.fake() + " connection #" + connection.index(), Direction.RECEIVED, pattern, connection.received());
        if (failure == null) {
          return null;
        }
        long reached = Checks.regexReach(failure);
        if (reached > reach) {
          reach = reached;
          nearest = failure;
        }
      }
      if (nearest == null) {
        return new AssertionFailedError(traffic.fake() + " received no text matching /" + regex + "/: it had no connection");
      }
      return new AssertionFailedError(
          traffic.fake() + " received no text matching /" + regex + "/ on any connection; "
              + describe(Direction.RECEIVED, Connection::received) + "\nnearest: " + nearest.getMessage(),
          nearest.getExpected().getValue(), nearest.getActual().getValue());
    });
  }

  /** No connection received a byte (there may be connections). */
  public TrafficAssert receivedNothing() {
    return nothing(Direction.RECEIVED, Connection::received);
  }

  /** No connection sent a byte (there may be connections). */
  public TrafficAssert sentNothing() {
    return nothing(Direction.SENT, Connection::sent);
  }

  /**
   * Nothing went wrong on the fake's side (see {@link Fake#verify()}).
   *
   * @throws IllegalStateException when this assertion started from a {@link Traffic}, not a fake
   */
  public TrafficAssert hasNoProblems() {
    if (fake == null) {
      throw new IllegalStateException("hasNoProblems() needs the fake: start with assertThat(fake)");
    }
    fake.verify();
    return this;
  }

  private TrafficAssert exactly(Direction direction, List<Bytes> expected, Function<Connection, Bytes> side) {
    expected.forEach(value -> Objects.requireNonNull(value, "expected"));
    return check("to have " + direction.verb() + " exactly " + expected, () -> {
      List<Connection> connections = traffic.connections();
      for (int i = 0; i < Math.min(connections.size(), expected.size()); i++) {
        Connection connection = connections.get(i);
        AssertionFailedError failure =
            Checks.exactly(connection.fake() + " connection #" + i, direction, expected.get(i), side.apply(connection));
        if (failure != null) {
          return failure;
        }
      }
      if (connections.size() != expected.size()) {
        return new AssertionFailedError(
            traffic.fake() + " has " + connections.size() + (connections.size() == 1 ? " connection" : " connections")
                + ", but " + expected.size() + (expected.size() == 1 ? " value was" : " values were")
                + " given, one for each connection; " + describe(direction, side),
            expected.size(),
            connections.size());
      }
      return null;
    });
  }

  private TrafficAssert nothing(Direction direction, Function<Connection, Bytes> side) {
    return check("to have " + direction.verb() + " nothing", () -> {
      for (Connection connection : traffic.connections()) {
        AssertionFailedError failure =
            Checks.nothing(connection.fake() + " connection #" + connection.index(), direction, side.apply(connection));
        if (failure != null) {
          return failure;
        }
      }
      return null;
    });
  }

  /**
   * What each connection received or sent, for failure messages: in full (bounded) for a single
   * connection, one line each for the first and last few of many.
   */
  private String describe(Direction direction, Function<Connection, Bytes> side) {
    List<Connection> connections = traffic.connections();
    if (connections.isEmpty()) {
      return "it had no connection";
    }
    if (connections.size() == 1) {
      return "on its only connection, #0, it " + direction.verb() + " " + HexDump.describe(side.apply(connections.get(0)));
    }
    StringBuilder out = new StringBuilder("it ").append(direction.verb());
    for (int i = 0; i < connections.size(); i++) {
      if (i == SHOWN_EACH_END && connections.size() > 2 * SHOWN_EACH_END) {
        out.append("\n  … ").append(connections.size() - 2 * SHOWN_EACH_END).append(" connections not shown");
        i = connections.size() - SHOWN_EACH_END;
      }
      Bytes bytes = side.apply(connections.get(i));
      out.append("\n  on connection #").append(i).append(": ")
          .append(HexDump.summary(bytes));
    }
    return out.toString();
  }

  private static Bytes[] encode(String... texts) {
    return Arrays.stream(texts).map(text -> Bytes.of(Objects.requireNonNull(text, "expected"))).toArray(Bytes[]::new);
  }

  private TrafficAssert check(String what, Supplier<AssertionFailedError> check) {
    Checks.run(wait, traffic.fake() + " " + what, check);
    return this;
  }
}
