package dev.sockpuppet;

import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on everything that crossed a fake; start with {@link
 * SocketAssertions#assertThat(FakeServer)} or {@link SocketAssertions#assertThat(Traffic)}.
 *
 * <pre>{@code
 * assertThat(server).eventually().hasConnectionCount(2).receivedContaining("QUIT");
 * assertThat(server).connection(0).receivedLines("HELO client", "QUIT");
 * }</pre>
 *
 * <p>Byte checks here look at all connections together: their received (or sent) bytes one
 * connection after the other in accept order. Use {@link #connection(int)} for one connection.
 * {@link #eventually()} and {@link #within(Duration)} retry each following check until it passes.
 */
public final class TrafficAssert {
  private final Traffic traffic;
  private final FakeServer server;
  private final Duration wait;

  TrafficAssert(Traffic traffic, FakeServer server, Duration wait) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.server = server;
    this.wait = wait;
  }

  /** Retries each following check for up to the fake's timeout. */
  public TrafficAssert eventually() {
    return within(traffic.timeout());
  }

  /** Retries each following check for up to {@code timeout}. */
  public TrafficAssert within(Duration timeout) {
    return new TrafficAssert(traffic, server, Durations.requirePositive(timeout, "timeout"));
  }

  /** Exactly {@code count} connections were accepted. */
  public TrafficAssert hasConnectionCount(int count) {
    return check("to have " + count + " connections",
        () -> Checks.count(traffic.server(), "connections", count, traffic.connections().size()));
  }

  /**
   * Assertions on the connection at {@code index}; with {@link #eventually()}, waits for it to be
   * accepted first.
   */
  public ConnectionAssert connection(int index) {
    check("to accept connection #" + index,
        () -> index < traffic.connections().size()
            ? null
            : new AssertionFailedError(traffic.server() + " has " + traffic.connections().size()
                + " connections, so there is no connection #" + index));
    return new ConnectionAssert(traffic.connection(index), wait);
  }

  /** All received bytes together are exactly {@code expected}. */
  public TrafficAssert receivedExactly(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have received exactly " + expected,
        () -> Checks.exactly(traffic.server(), Direction.RECEIVED, expected, traffic.received()));
  }

  /** All received bytes together are exactly the UTF-8 encoding of {@code expected}. */
  public TrafficAssert receivedExactly(String expected) {
    return receivedExactly(Bytes.of(expected));
  }

  /** All sent bytes together are exactly {@code expected}. */
  public TrafficAssert sentExactly(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have sent exactly " + expected,
        () -> Checks.exactly(traffic.server(), Direction.SENT, expected, traffic.sent()));
  }

  /** All sent bytes together are exactly the UTF-8 encoding of {@code expected}. */
  public TrafficAssert sentExactly(String expected) {
    return sentExactly(Bytes.of(expected));
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
      return Checks.containing(traffic.server(), Direction.RECEIVED, expected, traffic.received());
    });
  }

  /** Some connection received the UTF-8 encoding of {@code expected}. */
  public TrafficAssert receivedContaining(String expected) {
    return receivedContaining(Bytes.of(expected));
  }

  /** All received text together, split into lines, is exactly {@code lines}. */
  public TrafficAssert receivedLines(String... lines) {
    List<String> expected = List.of(lines);
    return check("to have received the lines " + expected,
        () -> Checks.lines(traffic.server(), Direction.RECEIVED, expected, traffic.received()));
  }

  /** All received text together matches {@code regex}. */
  public TrafficAssert receivedMatching(String regex) {
    Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
    return check("to have received text matching /" + regex + "/",
        () -> Checks.matching(traffic.server(), Direction.RECEIVED, pattern, traffic.received()));
  }

  /**
   * Nothing went wrong on the fake's side (see {@link FakeServer#verify()}).
   *
   * @throws IllegalStateException when this assertion started from a {@link Traffic}, not a fake
   */
  public TrafficAssert hasNoProblems() {
    if (server == null) {
      throw new IllegalStateException("hasNoProblems() needs the fake: start with assertThat(server)");
    }
    server.verify();
    return this;
  }

  private TrafficAssert check(String what, Supplier<AssertionFailedError> check) {
    Checks.run(wait, traffic.server() + " " + what, check);
    return this;
  }
}
