package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;

/** Hex and ASCII renderings of bytes for dumps, transcripts and failure messages. */
public final class HexDump {
  /** Bytes a dump row shows. */
  public static final int ROW = 16;

  private static final int PREVIEW_HEAD = 512;
  private static final int PREVIEW_TAIL = 512;
  private static final int WINDOW_ROWS = 4;
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private HexDump() {}

  /** Rows of 16 bytes: offset, hex pairs, then the printable ASCII between bars. */
  public static String rows(byte[] data, long baseOffset) {
    return rows(data, baseOffset, -1);
  }

  /**
   * Rows as {@link #rows(byte[], long)}, with a line of carets under the byte at absolute offset
   * {@code marked} (or none when it is negative or outside the data).
   */
  public static String rows(byte[] data, long baseOffset, long marked) {
    StringBuilder out = new StringBuilder(data.length * 5 + 16);
    for (int row = 0; row < data.length; row += ROW) {
      long rowOffset = baseOffset + row;
      appendOffset(out, rowOffset);
      out.append("  ");
      for (int i = 0; i < ROW; i++) {
        if (i == 8) {
          out.append(' ');
        }
        if (row + i < data.length) {
          int b = data[row + i] & 0xff;
          out.append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]).append(' ');
        } else {
          out.append("   ");
        }
      }
      out.append(" |");
      for (int i = row; i < Math.min(row + ROW, data.length); i++) {
        out.append(printable(data[i]));
      }
      out.append("|\n");
      if (marked >= rowOffset && marked < rowOffset + ROW && marked < baseOffset + data.length) {
        int column = (int) (marked - rowOffset);
        int hexColumn = 10 + column * 3 + (column >= 8 ? 1 : 0);
        int asciiColumn = 10 + ROW * 3 + 1 + 2 + column;
        out.append(" ".repeat(hexColumn)).append("^^");
        out.append(" ".repeat(asciiColumn - hexColumn - 2)).append("^\n");
      }
    }
    return out.toString();
  }

  /** The bytes as text with C-style escapes for anything that is not printable ASCII. */
  public static String escaped(byte[] data) {
    StringBuilder out = new StringBuilder(data.length + 8);
    for (byte value : data) {
      int b = value & 0xff;
      switch (b) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          if (b >= 0x20 && b < 0x7f) {
            out.append((char) b);
          } else {
            out.append("\\x").append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code "PING\\r\\n"} (4+2 bytes shown escaped in quotes), cut after 200 bytes. */
  public static String quoted(Bytes bytes) {
    int shown = (int) Math.min(200, bytes.size());
    String text = "\"" + escaped(bytes.first(shown).toByteArray()) + "\"";
    return shown < bytes.size() ? text + "… (" + bytes.size() + " bytes)" : text;
  }

  /**
   * What arrived, for failure messages: nothing, or the size and a dump. Long values show their
   * first and last rows, so the message stays readable while the start and the newest bytes show.
   */
  public static String describe(Bytes bytes) {
    if (bytes.isEmpty()) {
      return "nothing";
    }
    String size = bytes.size() == 1 ? "1 byte" : bytes.size() + " bytes";
    if (bytes.size() <= PREVIEW_HEAD + PREVIEW_TAIL) {
      return size + ":\n" + rows(bytes.toByteArray(), 0);
    }
    long tailStart = (bytes.size() - PREVIEW_TAIL) / ROW * ROW;
    return size
        + ":\n"
        + rows(bytes.first(PREVIEW_HEAD).toByteArray(), 0)
        + "…\n"
        + rows(bytes.slice(tailStart, bytes.size()).toByteArray(), tailStart);
  }

  /**
   * Rows around offset {@code at}: a few rows before it, the row holding it with a marker under
   * that byte, and a few rows after.
   */
  public static String window(Bytes bytes, long at) {
    return window(bytes, at, at);
  }

  /** Rows around offset {@code at} as {@link #window(Bytes, long)}, marking {@code marked} instead (-1: nothing). */
  public static String window(Bytes bytes, long at, long marked) {
    long start = Math.max(0, (at / ROW - WINDOW_ROWS) * ROW);
    long end = Math.min(bytes.size(), (at / ROW + WINDOW_ROWS + 1) * ROW);
    String head = start > 0 ? "… " + start + " bytes before\n" : "";
    String tail = end < bytes.size() ? "… " + (bytes.size() - end) + " bytes after\n" : "";
    return head + rows(bytes.slice(start, end).toByteArray(), start, marked) + tail;
  }

  private static char printable(byte value) {
    return value >= 0x20 && value < 0x7f ? (char) value : '.';
  }

  private static void appendOffset(StringBuilder out, long offset) {
    String hex = Long.toHexString(offset);
    out.append("0".repeat(Math.max(0, 8 - hex.length()))).append(hex);
  }
}
