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
}
