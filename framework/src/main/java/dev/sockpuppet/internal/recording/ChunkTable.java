package dev.sockpuppet.internal.recording;

import dev.sockpuppet.Chunk;
import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Access;
import java.time.Duration;
import java.util.List;

/**
 * The chunks of one connection in arrival order, kept as columns of primitives rather than as
 * {@link Chunk} objects. A connection that exchanges small messages for a second records hundreds
 * of thousands of chunks; as objects (a chunk, its bytes, their segment array, a duration) each
 * cost five objects that every young collection had to copy, and that cost showed in round trips.
 * Here a chunk costs three {@code long}s; a {@link Chunk} is made when a test asks.
 *
 * <p>A chunk names its bytes as a run of segments in its direction's segment list, which the
 * owning {@link ConnectionRecord} keeps. Not thread-safe: the owner guards it with its lock.
 */
final class ChunkTable {
  /** Offset of the chunk's first byte in its direction's stream. */
  private final LongColumn offsets = new LongColumn();
  /** Time since the recording began, in nanoseconds. */
  private final LongColumn atNanos = new LongColumn();
  /**
   * Where its bytes are: the index of its first segment in the high 32 bits, the number of
   * segments in the low 32, negative for {@link Direction#SENT}: the sign is the direction.
   */
  private final LongColumn segments = new LongColumn();

  int size() {
    return offsets.size();
  }

  /** Appends a chunk; returns its index. */
  int add(Direction direction, long offset, int firstSegment, int segmentCount, long nanos) {
    long where = where(direction, firstSegment, segmentCount);
    offsets.add(offset);
    atNanos.add(nanos);
    segments.add(where);
    return offsets.size() - 1;
  }

  /** Replaces the segments of chunk {@code index} (a write that delivered only part of its bytes). */
  void setSegments(int index, Direction direction, int firstSegment, int segmentCount) {
    segments.set(index, where(direction, firstSegment, segmentCount));
  }

  /** Removes chunk {@code index} (a write of which nothing left); later chunks move up by one. */
  void remove(int index) {
    for (int i = index + 1; i < size(); i++) {
      offsets.set(i - 1, offsets.get(i));
      atNanos.set(i - 1, atNanos.get(i));
      segments.set(i - 1, segments.get(i));
    }
    int last = size() - 1;
    offsets.truncate(last);
    atNanos.truncate(last);
    segments.truncate(last);
  }

  /** Chunk {@code index} as a value, its bytes taken from the segment list of its direction. */
  Chunk chunk(int index, List<Segment> received, List<Segment> sent) {
    long where = segments.get(index);
    int first = (int) (where >> 32);
    int count = (int) where;
    Direction direction = count < 0 ? Direction.SENT : Direction.RECEIVED;
    List<Segment> from = direction == Direction.SENT ? sent : received;
    return new Chunk(
        direction,
        offsets.get(index),
        Access.bytes().of(from.subList(first, first + Math.abs(count))),
        Duration.ofNanos(atNanos.get(index)));
  }

  private static long where(Direction direction, int firstSegment, int segmentCount) {
    if (segmentCount < 1 || firstSegment < 0) {
      throw new IllegalArgumentException(
          "a chunk has at least one segment at a valid index, got " + segmentCount + " at " + firstSegment);
    }
    int signed = direction == Direction.SENT ? -segmentCount : segmentCount;
    return ((long) firstSegment << 32) | (signed & 0xFFFF_FFFFL);
  }
}
