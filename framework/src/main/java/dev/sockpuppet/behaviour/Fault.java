package dev.sockpuppet.behaviour;

import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.engine.FaultSpec;
import dev.sockpuppet.internal.engine.FaultSpec.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Something a fake does wrong on purpose, on every connection or on some: delays, a slow line,
 * data cut into small pieces, a connection that ends after some bytes, a reset, a stall, a refusal.
 * Toxiproxy's toxics are the model, and these work on Unix-domain sockets as well as TCP.
 *
 * <pre>{@code
 * TcpServer.create()
 *     .withResponder(Responder.echo())
 *     .withFaults(Fault.latency(Duration.ofMillis(200)).withJitter(Duration.ofMillis(50)),
 *                 Fault.slice(7, Duration.ofMillis(1)));
 * UnixSocketServer.create().withFault(Fault.stall());                        // the program's reads time out
 * TcpServer.create().withFault(Fault.resetAfter(100).fromProgram());         // reset once 100 bytes arrived
 * TcpServer.create().withFault(Fault.refuse().onConnections(0));             // the first attempt fails, a retry works
 * }</pre>
 *
 * <p><b>Directions.</b> A fault acts on what the fake sends ({@link #towardsProgram()}, the
 * default) or on what the program sends to the fake ({@link #fromProgram()}); add one of each to
 * act both ways. {@link #reset()} and {@link #refuse()} act when the connection opens and have no
 * direction.
 *
 * <p><b>Several faults</b> of one connection and direction combine: latencies add up; the lowest
 * bandwidth, the smallest slices (with the longest delay) and the first byte limit win; a stall
 * holds everything.
 *
 * <p><b>Time.</b> A fault's pauses end at once when the fake closes the connection or stops, so
 * teardown stays bounded, and they do not count against the fake's write timeout, which is there
 * to notice a program that stopped reading. A fault that ends a connection records why in the
 * connection's events, and what it makes a handler's or responder's reads and writes fail is not
 * reported as a problem of the fake. See {@code docs/FAULTS.md} for each fault in detail.
 *
 * <p>A fault is an immutable value; one can be shared by many fakes.
 */
public final class Fault {
  static {
    Access.setFaults(fault -> fault.spec);
  }

  private final FaultSpec spec;

  private Fault(FaultSpec spec) {
    this.spec = spec;
  }

  private static Fault of(Type type, long bytes, Duration delay) {
    return new Fault(new FaultSpec(type, type.hasDirection() ? Direction.SENT : null, bytes, delay, Duration.ZERO, null));
  }

  /**
   * Holds each write (or, {@link #fromProgram()}, each chunk the fake reads) for {@code delay}
   * before it goes on. Writes keep their order; a chunk read is delivered {@code delay} after the
   * fake took it from the socket.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Fault latency(Duration delay) {
    return of(Type.LATENCY, 0, nonNegative(delay, "latency"));
  }

  /**
   * This latency varied at random by up to {@code jitter} either way for each write or chunk, so
   * each delay lies between latency − jitter and latency + jitter (Toxiproxy's {@code jitter}).
   *
   * @throws IllegalArgumentException if {@code jitter} is negative or larger than the latency (a
   *     delay cannot be negative), or if this is not a latency
   */
  public Fault withJitter(Duration jitter) {
    nonNegative(jitter, "jitter");
    if (spec.type() != Type.LATENCY) {
      throw new IllegalArgumentException("withJitter(…) varies a latency; " + this + " is not one");
    }
    if (jitter.compareTo(spec.delay()) > 0) {
      throw new IllegalArgumentException(
          "the jitter (" + Durations.describe(jitter) + ") must not exceed the latency (" + Durations.describe(spec.delay())
              + "): a delay of latency - jitter cannot be negative");
    }
    return new Fault(spec.withJitter(jitter));
  }

  /**
   * Lets at most {@code bytesPerSecond} through, paced in pieces of about 50 ms each.
   *
   * @throws IllegalArgumentException if {@code bytesPerSecond} is not positive
   */
  public static Fault bandwidth(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("a bandwidth is a positive number of bytes per second, got " + bytesPerSecond);
    }
    return of(Type.BANDWIDTH, bytesPerSecond, Duration.ZERO);
  }

  /**
   * Cuts each write into pieces of {@code bytes} with {@code delay} between two pieces, so the
   * program receives the data in many small reads ({@link #fromProgram()}: the fake reads at most
   * {@code bytes} at a time, {@code delay} apart). A zero delay still sends each piece on its own.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive or {@code delay} is negative
   */
  public static Fault slice(int bytes, Duration delay) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a slice is at least 1 byte, got " + bytes);
    }
    return of(Type.SLICE, bytes, nonNegative(delay, "slice delay"));
  }

  /**
   * Closes the connection once {@code bytes} crossed: a write that crosses the limit sends exactly
   * up to it and the rest is recorded as not delivered; {@link #fromProgram()}, the fake reads
   * exactly {@code bytes} and closes. 0 closes as the connection opens.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public static Fault closeAfter(long bytes) {
    return of(Type.CLOSE_AFTER, nonNegative(bytes), Duration.ZERO);
  }

  /**
   * Like {@link #closeAfter(long)}, but resets the connection (RST on TCP; a Unix-domain socket has
   * no reset and is closed). 0 resets as the connection opens.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public static Fault resetAfter(long bytes) {
    return of(Type.RESET_AFTER, nonNegative(bytes), Duration.ZERO);
  }

  /**
   * Resets each connection as it opens, before the fake's responder or handler sees it (RST on
   * TCP; a Unix-domain socket is closed).
   */
  public static Fault reset() {
    return of(Type.RESET, 0, Duration.ZERO);
  }

  /**
   * Holds everything the fake sends until the connection closes: nothing leaves, and nothing is
   * recorded as sent ({@link #fromProgram()}: the fake never reads, so the program's writes back up
   * once the socket buffers are full). A stalled write waits for the fake's stop however long its
   * timeout; the program's own timeouts are what a stall tests.
   */
  public static Fault stall() {
    return of(Type.STALL, 0, Duration.ZERO);
  }

  /**
   * Accepts each connection and closes it at once, before the fake's responder or handler sees
   * it: the program reads end-of-stream straight away.
   */
  public static Fault refuse() {
    return of(Type.REFUSE, 0, Duration.ZERO);
  }

  /** This fault on what the fake sends to the program (the default). */
  public Fault towardsProgram() {
    return towards(Direction.SENT, "towardsProgram");
  }

  /** This fault on what the program sends to the fake. */
  public Fault fromProgram() {
    return towards(Direction.RECEIVED, "fromProgram");
  }

  /**
   * This fault only on the connections at {@code indexes} (0 is the first connection of a run),
   * e.g. {@code Fault.reset().onConnections(0)} to make a first attempt fail and a retry succeed.
   *
   * @throws IllegalArgumentException if no index is given or one is negative
   */
  public Fault onConnections(int... indexes) {
    Objects.requireNonNull(indexes, "indexes");
    if (indexes.length == 0) {
      throw new IllegalArgumentException("onConnections(…) needs at least one connection index");
    }
    int[] sorted = indexes.clone();
    Arrays.sort(sorted);
    if (sorted[0] < 0) {
      throw new IllegalArgumentException("connection indexes start at 0, got " + sorted[0]);
    }
    return new Fault(spec.onConnections(Arrays.stream(sorted).distinct().toArray()));
  }

  private Fault towards(Direction direction, String method) {
    if (!spec.type().hasDirection()) {
      throw new IllegalStateException(
          method + "() chooses a direction, but " + this + " acts when a connection opens and has none");
    }
    return new Fault(spec.towards(direction));
  }

  private static Duration nonNegative(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + duration);
    }
    return duration;
  }

  private static long nonNegative(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a number of bytes must not be negative, got " + bytes);
    }
    return bytes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fault fault && spec.equals(fault.spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  /** What the fault does in words, e.g. {@code close after 10 bytes towards the program}. */
  @Override
  public String toString() {
    return spec.toString();
  }
}
