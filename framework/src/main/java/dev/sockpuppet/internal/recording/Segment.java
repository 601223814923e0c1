package dev.sockpuppet.internal.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A run of recorded bytes, held either in memory or in a recording's spill file. {@link
 * dev.sockpuppet.Bytes} is a sequence of segments, so a view over hundreds of megabytes never has to
 * be one array. Segments are immutable: nobody writes to the bytes behind one after it was made.
 */
public abstract sealed class Segment permits Segment.InMemory, Segment.Spilled {

  public abstract int length();

  /** Copies {@code length} bytes starting at {@code from} into {@code target}. */
  public abstract void copyTo(int from, byte[] target, int targetOffset, int length);

  public abstract Segment slice(int from, int to);

  /** A buffer over the bytes of this segment for a channel to write; it may share the array. */
  public ByteBuffer asBuffer() {
    return ByteBuffer.wrap(readOnlyArray());
  }

  /** The bytes of this segment; may share the array with the segment, so callers never write to it. */
  public byte[] readOnlyArray() {
    byte[] copy = new byte[length()];
    copyTo(0, copy, 0, copy.length);
    return copy;
  }

  /**
   * Index of the first of {@code count} bytes where {@code a} from {@code aFrom} and {@code b} from
   * {@code bFrom} differ, or -1. Two in-memory segments are compared in place; otherwise the bytes
   * are read in blocks.
   */
  public static int mismatch(Segment a, int aFrom, Segment b, int bFrom, int count) {
    if (a instanceof InMemory x && b instanceof InMemory y) {
      int from = x.offset + aFrom;
      int otherFrom = y.offset + bFrom;
      return Arrays.mismatch(x.array, from, from + count, y.array, otherFrom, otherFrom + count);
    }
    int block = Math.min(count, 64 * 1024);
    byte[] mine = new byte[block];
    byte[] theirs = new byte[block];
    for (int done = 0; done < count; ) {
      int n = Math.min(block, count - done);
      a.copyTo(aFrom + done, mine, 0, n);
      b.copyTo(bFrom + done, theirs, 0, n);
      int at = Arrays.mismatch(mine, 0, n, theirs, 0, n);
      if (at >= 0) {
        return done + at;
      }
      done += n;
    }
    return -1;
  }

  public static final class InMemory extends Segment {
    private final byte[] array;
    private final int offset;
    private final int length;

    public InMemory(byte[] array, int offset, int length) {
      this.array = array;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public void copyTo(int from, byte[] target, int targetOffset, int count) {
      System.arraycopy(array, offset + from, target, targetOffset, count);
    }

    @Override
    public Segment slice(int from, int to) {
      return new InMemory(array, offset + from, to - from);
    }

    @Override
    public ByteBuffer asBuffer() {
      return ByteBuffer.wrap(array, offset, length).asReadOnlyBuffer();
    }

    /**
     * The array the bytes are in, shared: callers never write to it. With {@link #offset()} it
     * lets a compact holder (a datagram log, a syslog message) keep the bytes without a segment.
     */
    public byte[] array() {
      return array;
    }

    /** Where this segment's bytes start in {@link #array()}. */
    public int offset() {
      return offset;
    }

    @Override
    public byte[] readOnlyArray() {
      return offset == 0 && length == array.length
          ? array
          : Arrays.copyOfRange(array, offset, offset + length);
    }
  }

  public static final class Spilled extends Segment {
    private final SpillFile file;
    private final long position;
    private final int length;

    Spilled(SpillFile file, long position, int length) {
      this.file = file;
      this.position = position;
      this.length = length;
    }

    SpillFile file() {
      return file;
    }

    long position() {
      return position;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public void copyTo(int from, byte[] target, int targetOffset, int count) {
      try {
        file.read(position + from, target, targetOffset, count);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read recorded bytes back from " + file, e);
      }
    }

    @Override
    public Segment slice(int from, int to) {
      return new Spilled(file, position + from, to - from);
    }
  }
}
