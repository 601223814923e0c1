package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a datagram fault does, the engine's view of {@code DatagramFault}: its kind, the direction
 * it acts on ({@link Direction#SENT}: the fake's datagrams towards the program; {@link
 * Direction#RECEIVED}: the program's datagrams to the fake), a size for truncation, a delay with
 * its jitter, and the datagrams it applies to (indexes in its direction, or all when null).
 */
public record DatagramFaultSpec(Kind kind, Direction direction, int bytes, Duration delay, Duration jitter, int[] datagrams) {
  /** The kinds of datagram fault. */
  public enum Kind {
    DROP("drop"),
    DUPLICATE("duplicate"),
    TRUNCATE("truncate"),
    DELAY("delay");

    private final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  public DatagramFaultSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(jitter, "jitter");
    datagrams = datagrams == null ? null : datagrams.clone();
  }

  /** Whether this fault acts on the datagram at {@code index} of {@code inDirection}. */
  public boolean appliesTo(Direction inDirection, long index) {
    if (inDirection != direction) {
      return false;
    }
    if (datagrams == null) {
      return true;
    }
    for (int chosen : datagrams) {
      if (chosen == index) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int[] datagrams() {
    return datagrams == null ? null : datagrams.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DatagramFaultSpec that
        && kind == that.kind
        && direction == that.direction
        && bytes == that.bytes
        && delay.equals(that.delay)
        && jitter.equals(that.jitter)
        && Arrays.equals(datagrams, that.datagrams);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, direction, bytes, delay, jitter, Arrays.hashCode(datagrams));
  }

  /** E.g. {@code truncate to 10 bytes towards the program (datagrams 0, 2)}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(kind.word);
    switch (kind) {
      case TRUNCATE -> text.append(" to ").append(bytes).append(bytes == 1 ? " byte" : " bytes");
      case DELAY -> {
        text.append(' ').append(Durations.describe(delay));
        if (!jitter.isZero()) {
          text.append(" ± ").append(Durations.describe(jitter));
        }
      }
      default -> { }
    }
    text.append(direction == Direction.SENT ? " towards the program" : " from the program");
    if (datagrams != null) {
      text.append(datagrams.length == 1 ? " (datagram " : " (datagrams ");
      for (int i = 0; i < datagrams.length; i++) {
        text.append(i == 0 ? "" : ", ").append(datagrams[i]);
      }
      text.append(')');
    }
    return text.toString();
  }
}
