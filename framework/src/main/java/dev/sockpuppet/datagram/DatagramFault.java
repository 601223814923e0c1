package dev.sockpuppet.datagram;

import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.engine.DatagramFaultSpec;
import dev.sockpuppet.internal.engine.DatagramFaultSpec.Kind;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Something a datagram fake does wrong on purpose, the way a lossy network would: drop datagrams,
 * deliver them twice, cut them short, or deliver them late. The datagram counterpart of {@link
 * dev.sockpuppet.behaviour.Fault}.
 *
 * <pre>{@code
 * UdpServer.create()
 *     .withResponder(DatagramResponder.echo())
 *     .withFault(DatagramFault.drop().onDatagrams(0))      // the first reply is lost: the client retries
 *     .withFault(DatagramFault.delay(Duration.ofMillis(50)).withJitter(Duration.ofMillis(20)));
 * }</pre>
 *
 * <p><b>Directions.</b> A fault acts on what the fake sends ({@link #towardsProgram()}, the
 * default) or on what the program sends to the fake ({@link #fromProgram()}). Towards the program,
 * the recording holds what left: a dropped reply is not on record, a duplicated one is there twice,
 * a truncated one with the bytes that left. From the program, the fake plays a host behind a lossy
 * network: a dropped datagram is neither recorded nor answered, a duplicated one is recorded and
 * answered twice, a truncated one is recorded cut, and a delayed one is recorded when it is
 * delivered.
 *
 * <p><b>Which datagrams.</b> Every datagram of the direction, or those that {@link
 * #onDatagrams(int...)} names by index (0 is the first datagram the program sent, or the first the
 * fake sent); the choice is deterministic, there is no probability.
 *
 * <p><b>Several faults</b> on one datagram combine: a drop wins, the shortest truncation wins,
 * delays add up. A fault is an immutable value.
 */
public final class DatagramFault {
  private final DatagramFaultSpec spec;

  private DatagramFault(DatagramFaultSpec spec) {
    this.spec = spec;
  }

  private static DatagramFault of(Kind kind, int bytes, Duration delay) {
    return new DatagramFault(new DatagramFaultSpec(kind, Direction.SENT, bytes, delay, Duration.ZERO, null));
  }

  /** Loses the datagrams: they never arrive. */
  public static DatagramFault drop() {
    return of(Kind.DROP, 0, Duration.ZERO);
  }

  /** Delivers each datagram twice. */
  public static DatagramFault duplicate() {
    return of(Kind.DUPLICATE, 0, Duration.ZERO);
  }

  /**
   * Cuts each datagram to its first {@code bytes} bytes (0 leaves an empty datagram).
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public static DatagramFault truncate(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a datagram cannot be cut to a negative size, got " + bytes);
    }
    return of(Kind.TRUNCATE, bytes, Duration.ZERO);
  }

  /**
   * Delivers each datagram {@code delay} late, without holding up the ones after it (so a jitter
   * may reorder them, as networks do).
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static DatagramFault delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a delay must not be negative, got " + delay);
    }
    return of(Kind.DELAY, 0, delay);
  }

  /**
   * This delay, varied by up to {@code jitter} either way, drawn per datagram.
   *
   * @throws IllegalStateException on a fault that is not a {@link #delay(Duration) delay}
   * @throws IllegalArgumentException if {@code jitter} is negative or larger than the delay
   */
  public DatagramFault withJitter(Duration jitter) {
    Objects.requireNonNull(jitter, "jitter");
    if (spec.kind() != Kind.DELAY) {
      throw new IllegalStateException("withJitter(…) varies a delay, but " + this + " is not one");
    }
    if (jitter.isNegative() || jitter.compareTo(spec.delay()) > 0) {
      throw new IllegalArgumentException(
          "a jitter must be between 0 and the delay (" + spec.delay() + ") so that no delay is negative, got " + jitter);
    }
    return new DatagramFault(
        new DatagramFaultSpec(spec.kind(), spec.direction(), spec.bytes(), spec.delay(), jitter, spec.datagrams()));
  }

  /** This fault on the datagrams the fake sends to the program (the default). */
  public DatagramFault towardsProgram() {
    return towards(Direction.SENT);
  }

  /** This fault on the datagrams the program sends to the fake. */
  public DatagramFault fromProgram() {
    return towards(Direction.RECEIVED);
  }

  /**
   * This fault only on the datagrams at {@code indexes} of its direction (0 is the first of a run).
   *
   * @throws IllegalArgumentException if no index is given or one is negative
   */
  public DatagramFault onDatagrams(int... indexes) {
    Objects.requireNonNull(indexes, "indexes");
    if (indexes.length == 0) {
      throw new IllegalArgumentException("onDatagrams(…) needs at least one datagram index");
    }
    int[] sorted = Arrays.stream(indexes).sorted().distinct().toArray();
    if (sorted[0] < 0) {
      throw new IllegalArgumentException("datagram indexes start at 0, got " + sorted[0]);
    }
    return new DatagramFault(
        new DatagramFaultSpec(spec.kind(), spec.direction(), spec.bytes(), spec.delay(), spec.jitter(), sorted));
  }

  private DatagramFault towards(Direction direction) {
    return new DatagramFault(
        new DatagramFaultSpec(spec.kind(), direction, spec.bytes(), spec.delay(), spec.jitter(), spec.datagrams()));
  }

  DatagramFaultSpec spec() {
    return spec;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DatagramFault fault && spec.equals(fault.spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  /** What the fault does in words, e.g. {@code truncate to 10 bytes towards the program}. */
  @Override
  public String toString() {
    return spec.toString();
  }
}
