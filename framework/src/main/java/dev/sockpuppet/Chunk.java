package dev.sockpuppet;

import java.time.Duration;
import java.util.Objects;

/**
 * One read or one write on a connection, as it happened: which way, where it sits in that
 * direction's stream, the bytes, and when, measured on a monotonic clock from the start of the recording.
 *
 * @param direction whether the fake received or sent these bytes
 * @param offset position of the first byte in the stream of its direction
 * @param bytes the bytes, never empty
 * @param at time since the recording began
 */
public record Chunk(Direction direction, long offset, Bytes bytes, Duration at) {
  public Chunk {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(at, "at");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
  }

  /** Number of bytes in this chunk. */
  public long size() {
    return bytes.size();
  }
}
