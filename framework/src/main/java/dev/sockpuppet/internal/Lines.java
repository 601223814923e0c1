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
    byte[] block = new byte[(int) Math.min(BLOCK, Math.max(1, bytes.size()))];
    long lineStart = 0;
    long position = 0;
    byte previous = 0;
    try (InputStream in = bytes.inputStream()) {
      int count;
      while ((count = in.readNBytes(block, 0, block.length)) > 0) {
        for (int i = 0; i < count; i++) {
          byte b = block[i];
          if (b == '\n') {
            long end = position + i;
            if (end > lineStart && previous == '\r') {
              end--;
            }
            if (!visitor.line(lineStart, end, true)) {
              return;
            }
            lineStart = position + i + 1;
          }
          previous = b;
        }
        position += count;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (lineStart < bytes.size()) {
      long end = previous == '\r' ? bytes.size() - 1 : bytes.size();
      visitor.line(lineStart, end, false);
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
    byte[] block = new byte[(int) Math.min(BLOCK, Math.max(1, bytes.size()))];
    Near best = null;
    long number = 0;
    long lineStart = 0;
    long position = 0;
    int matched = 0;
    boolean matching = true;
    byte previous = 0;
    try (InputStream in = bytes.inputStream()) {
      int count;
      while ((count = in.readNBytes(block, 0, block.length)) > 0) {
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
                return best;
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
        position += count;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return best;
  }
}
