package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on one {@link Connection}; start with {@link SocketAssertions#assertThat(Connection)}.
 *
 * <pre>{@code
 * assertThat(connection).eventually().receivedExactly("PING\r\n").sentExactly("PONG\r\n").isClosed();
 * }</pre>
 *
 * <p>Checks run at once by default. After {@link #eventually()} (the connection's timeout) or
 * {@link #within(Duration)}, each check is retried until it passes or the time is up, and then
 * fails with its last failure. Byte mismatches fail with hex dumps as expected and actual values,
 * so an IDE shows the difference; the message names the connection, the direction and the first
 * differing offset.
 */
public final class ConnectionAssert {
  private final Connection connection;
  private final Duration wait;

  ConnectionAssert(Connection connection, Duration wait) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.wait = wait;
  }

  /** Retries each following check for up to the fake's timeout. */
  public ConnectionAssert eventually() {
    return within(connection.timeout());
  }

  /** Retries each following check for up to {@code timeout}. */
  public ConnectionAssert within(Duration timeout) {
    return new ConnectionAssert(connection, Durations.requirePositive(timeout, "timeout"));
  }

  /** Received exactly {@code expected}, nothing more. */
  public ConnectionAssert receivedExactly(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have received exactly " + expected,
        () -> Checks.exactly(subject(), Direction.RECEIVED, expected, connection.received()));
  }

  /** Received exactly the UTF-8 encoding of {@code expected}. */
  public ConnectionAssert receivedExactly(String expected) {
    return receivedExactly(Bytes.of(expected));
  }

  /** Sent exactly {@code expected}, nothing more. */
  public ConnectionAssert sentExactly(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have sent exactly " + expected,
        () -> Checks.exactly(subject(), Direction.SENT, expected, connection.sent()));
  }

  /** Sent exactly the UTF-8 encoding of {@code expected}. */
  public ConnectionAssert sentExactly(String expected) {
    return sentExactly(Bytes.of(expected));
  }

  /** Received bytes containing {@code expected}. */
  public ConnectionAssert receivedContaining(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have received " + expected,
        () -> Checks.containing(subject(), Direction.RECEIVED, expected, connection.received()));
  }

  /** Received the UTF-8 encoding of {@code expected} somewhere. */
  public ConnectionAssert receivedContaining(String expected) {
    return receivedContaining(Bytes.of(expected));
  }

  /** Sent bytes containing {@code expected}. */
  public ConnectionAssert sentContaining(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to have sent " + expected,
        () -> Checks.containing(subject(), Direction.SENT, expected, connection.sent()));
  }

  /** Sent the UTF-8 encoding of {@code expected} somewhere. */
  public ConnectionAssert sentContaining(String expected) {
    return sentContaining(Bytes.of(expected));
  }

  /** The received text split into lines (LF, CR stripped) is exactly {@code lines}. */
  public ConnectionAssert receivedLines(String... lines) {
    List<String> expected = List.of(lines);
    return check("to have received the lines " + expected,
        () -> Checks.lines(subject(), Direction.RECEIVED, expected, connection.received()));
  }

  /** The sent text split into lines is exactly {@code lines}. */
  public ConnectionAssert sentLines(String... lines) {
    List<String> expected = List.of(lines);
    return check("to have sent the lines " + expected,
        () -> Checks.lines(subject(), Direction.SENT, expected, connection.sent()));
  }

  /**
   * What was received, cut by {@code framing}, is exactly these frames' payloads, with nothing
   * left over.
   */
  public ConnectionAssert receivedFrames(Framing framing, Bytes... payloads) {
    return frames(Direction.RECEIVED, framing, List.of(payloads));
  }

  /** {@link #receivedFrames(Framing, Bytes...)} with the UTF-8 encodings of {@code payloads}. */
  public ConnectionAssert receivedFrames(Framing framing, String... payloads) {
    return frames(Direction.RECEIVED, framing, utf8(payloads));
  }

  /** What was sent, cut by {@code framing}, is exactly these frames' payloads. */
  public ConnectionAssert sentFrames(Framing framing, Bytes... payloads) {
    return frames(Direction.SENT, framing, List.of(payloads));
  }

  /** {@link #sentFrames(Framing, Bytes...)} with the UTF-8 encodings of {@code payloads}. */
  public ConnectionAssert sentFrames(Framing framing, String... payloads) {
    return frames(Direction.SENT, framing, utf8(payloads));
  }

  private ConnectionAssert frames(Direction direction, Framing framing, List<Bytes> payloads) {
    Objects.requireNonNull(framing, "framing");
    return check("to have " + direction.verb() + " the frames " + payloads,
        () -> Checks.frames(subject(), direction, framing, payloads,
            direction == Direction.RECEIVED ? connection.received() : connection.sent()));
  }

  private static List<Bytes> utf8(String... texts) {
    List<Bytes> all = new ArrayList<>();
    for (String text : texts) {
      all.add(Bytes.of(Objects.requireNonNull(text, "a payload is null")));
    }
    return all;
  }

  /** The whole received text matches {@code regex}. */
  public ConnectionAssert receivedMatching(String regex) {
    Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
    return check("to have received text matching /" + regex + "/",
        () -> Checks.matching(subject(), Direction.RECEIVED, pattern, connection.received()));
  }

  /** Received no byte at all. */
  public ConnectionAssert receivedNothing() {
    return check("to have received nothing",
        () -> Checks.nothing(subject(), Direction.RECEIVED, connection.received()));
  }

  /** Sent no byte at all. */
  public ConnectionAssert sentNothing() {
    return check("to have sent nothing", () -> Checks.nothing(subject(), Direction.SENT, connection.sent()));
  }

  /** Closed or reset, by either side. */
  public ConnectionAssert isClosed() {
    return state("closed", connection::isClosed);
  }

  /** Neither closed nor reset. */
  public ConnectionAssert isOpen() {
    return state("open", connection::isOpen);
  }

  /** Reset, by either side; see {@link #wasResetBy(Side)}. */
  public ConnectionAssert wasReset() {
    return state("reset", connection::wasReset);
  }

  /** Reset by {@code side}: {@code Side.PEER} (the program) or {@code Side.FAKE}. */
  public ConnectionAssert wasResetBy(Side side) {
    Objects.requireNonNull(side, "side");
    return state("reset by the " + (side == Side.PEER ? "peer" : "fake"),
        () -> connection.resetBy().filter(side::equals).isPresent());
  }

  /** The program shut down its output. */
  public ConnectionAssert isPeerHalfClosed() {
    return state("half-closed by its peer", connection::isPeerHalfClosed);
  }

  /** The fake shut down its output. */
  public ConnectionAssert isFakeHalfClosed() {
    return state("half-closed by the fake", connection::isFakeHalfClosed);
  }

  private ConnectionAssert state(String state, Supplier<Boolean> holds) {
    return check("to be " + state,
        () -> holds.get() ? null : new AssertionFailedError(
            subject() + " is not " + state + "; its events are " + connection.events()));
  }

  private ConnectionAssert check(String what, Supplier<AssertionFailedError> check) {
    Checks.run(wait, subject() + " " + what, check);
    return this;
  }

  /** E.g. {@code TcpServer 'api' connection #0}. */
  private String subject() {
    return connection.fake() + " connection #" + connection.index();
  }
}
