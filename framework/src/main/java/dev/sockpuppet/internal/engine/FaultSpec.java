package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The insides of a {@link dev.sockpuppet.behaviour.Fault}, as the engine reads them. Checked by
 * {@code Fault}; this record only holds and describes.
 *
 * @param type what the fault does
 * @param direction {@link Direction#SENT} towards the program, {@link Direction#RECEIVED} from it;
 *     null for the faults that act on open
 * @param bytes bytes per second, slice size or byte limit; 0 where the type has none
 * @param delay latency or the pause between slices; zero where the type has none
 * @param jitter how far a latency varies either way
 * @param connections the connection indexes it applies to, ascending; null for every connection
 */
public record FaultSpec(Type type, Direction direction, long bytes, Duration delay, Duration jitter, List<Integer> connections) {
  /** The kinds of fault. */
  public enum Type {
    LATENCY,
    BANDWIDTH,
    SLICE,
    CLOSE_AFTER,
    RESET_AFTER,
    RESET,
    STALL,
    REFUSE;

    /** Whether faults of this type act on one direction (the others act as a connection opens). */
    public boolean hasDirection() {
      return this != RESET && this != REFUSE;
    }
  }

  public FaultSpec withJitter(Duration jitter) {
    return new FaultSpec(type, direction, bytes, delay, jitter, connections);
  }

  public FaultSpec towards(Direction direction) {
    return new FaultSpec(type, direction, bytes, delay, jitter, connections);
  }

  public FaultSpec onConnections(int[] indexes) {
    return new FaultSpec(type, direction, bytes, delay, jitter, Arrays.stream(indexes).boxed().toList());
  }

  /** Whether it applies to the connection at {@code index}. */
  boolean appliesTo(int index) {
    return connections == null || connections.contains(index);
  }

  /** Whether it ends a connection as it opens, before anything crosses. */
  boolean endsOnOpen() {
    return type == Type.RESET || type == Type.REFUSE || (isLimit() && bytes == 0);
  }

  /** Whether it ends the connection after some bytes. */
  boolean isLimit() {
    return type == Type.CLOSE_AFTER || type == Type.RESET_AFTER;
  }

  /** Whether the connection it ends is reset rather than closed. */
  boolean resets() {
    return type == Type.RESET || type == Type.RESET_AFTER;
  }

  @Override
  public String toString() {
    String what =
        switch (type) {
          case LATENCY -> "latency " + Durations.describe(delay) + (jitter.isZero() ? "" : " ± " + Durations.describe(jitter));
          case BANDWIDTH -> "bandwidth " + bytes + " bytes/s";
          case SLICE -> "slices of " + count(bytes) + " every " + Durations.describe(delay);
          case CLOSE_AFTER -> "close after " + count(bytes);
          case RESET_AFTER -> "reset after " + count(bytes);
          case RESET -> "reset on open";
          case STALL -> "stall";
          case REFUSE -> "refuse (close on open)";
        };
    if (direction != null) {
      what += direction == Direction.SENT ? " towards the program" : " from the program";
    }
    if (connections != null) {
      what += connections.size() == 1 ? " on connection #" + connections.get(0) : " on connections " + connections;
    }
    return what;
  }

  private static String count(long bytes) {
    return bytes == 1 ? "1 byte" : bytes + " bytes";
  }
}
