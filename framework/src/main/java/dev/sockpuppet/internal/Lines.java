package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The lines of a recording found without decoding it: each line is a span of offsets, found by
 * reading the bytes in blocks, so a check over a 50 MB recording never holds it as one String.
 * Lines end at LF; a CR before the LF (or at the very end) is not part of the line; a last line
 * without an LF is a line too, as {@link Bytes#lines()} has it.
 */
public final class Lines {
  private static final int BLOCK = 64 * 1024;

  private Lines() {}

  /** Called for each line in order. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param start offset of the line's first byte
     * @param end offset after its last byte, CR and LF excluded
     * @param terminated whether an LF ended it
     * @return false to stop scanning
     */
    boolean line(long start, long end, boolean terminated);
  }

  /** Calls {@code visitor} for each line of {@code bytes} until it returns false. */
  public static void scan(Bytes bytes, Visitor visitor) {
    long[] lineStart = {0};
    byte[] previous = {0};
    boolean finished = blocks(bytes, (block, count, position) -> {
      for (int i = 0; i < count; i++) {
        byte b = block[i];
        if (b == '\n') {
          long end = position + i;
          if (end > lineStart[0] && previous[0] == '\r') {
            end--;
          }
          if (!visitor.line(lineStart[0], end, true)) {
            return false;
          }
          lineStart[0] = position + i + 1;
        }
        previous[0] = b;
      }
      return true;
    });
    if (finished && lineStart[0] < bytes.size()) {
      long end = previous[0] == '\r' ? bytes.size() - 1 : bytes.size();
      visitor.line(lineStart[0], end, false);
    }
  }

  /** Reads a block of bytes; false to stop reading. */
  @FunctionalInterface
  private interface BlockReader {
    boolean read(byte[] block, int count, long position);
  }

  /** Hands {@code bytes} to {@code reader} block by block; false when the reader stopped early. */
  private static boolean blocks(Bytes bytes, BlockReader reader) {
    byte[] block = new byte[(int) Math.min(BLOCK, Math.max(1, bytes.size()))];
    long position = 0;
    try (InputStream in = bytes.inputStream()) {
      int count;
      while ((count = in.readNBytes(block, 0, block.length)) > 0) {
        if (!reader.read(block, count, position)) {
          return false;
        }
        position += count;
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The complete line (ended by LF) of {@code bytes} sharing the longest start with {@code wanted}
   * (the first of equals), found in one pass over the bytes that compares as it reads, without a
   * copy or an object per line.
   *
   * @param number the line's number, from 1
   * @param start offset of its first byte
   * @param end offset after its last byte, CR and LF excluded
   * @param common bytes it shares with the wanted line from its start
   */
  public record Near(long number, long start, long end, long common, boolean equal) {}

  /**
   * See {@link Near}; null when no line is complete. With {@code stopAtEqual}, the first line equal
   * to {@code wanted} ends the search.
   */
  public static Near nearest(Bytes bytes, byte[] wanted, boolean stopAtEqual) {
    NearestSearch search = new NearestSearch(wanted, stopAtEqual);
    blocks(bytes, search::read);
    return search.best;
  }

  /** The state of {@link #nearest}: the line being read, compared with the wanted one as it comes. */
  private static final class NearestSearch {
    private final byte[] wanted;
    private final boolean stopAtEqual;
    private Near best;
    private long number;
    private long lineStart;
    private int matched;
    private boolean matching = true;
    private byte previous;

    NearestSearch(byte[] wanted, boolean stopAtEqual) {
      this.wanted = wanted;
      this.stopAtEqual = stopAtEqual;
    }

    boolean read(byte[] block, int count, long position) {
      for (int i = 0; i < count; i++) {
        byte b = block[i];
        if (b == '\n') {
          number++;
          long end = position + i;
          if (end > lineStart && previous == '\r') {
            end--;
          }
          long length = end - lineStart;
          long common = Math.min(matched, length);
          boolean equal = length == wanted.length && common == wanted.length;
          if (best == null || common > best.common() || (equal && !best.equal())) {
            best = new Near(number, lineStart, end, common, equal);
            if (equal && stopAtEqual) {
              return false;
            }
          }
          lineStart = position + i + 1;
          matched = 0;
          matching = true;
        } else if (matching) {
          if (matched < wanted.length && wanted[matched] == b) {
            matched++;
          } else {
            matching = false;
          }
        }
        previous = b;
      }
      return true;
    }
  }
}
