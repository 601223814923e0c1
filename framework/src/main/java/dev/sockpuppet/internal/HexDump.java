package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;

/**
 * Renderings of bytes for dumps, transcripts and failure messages: hex + ASCII rows, and escaped
 * text rows ({@code "GET / HTTP/1.1\r\n"}) for text protocols. Every failure message shows bytes
 * through here, so they all look alike and all stay bounded: a window around an offset or the first
 * and last bytes, never a whole recording.
 */
public final class HexDump {
  /** Bytes a dump row shows. */
  public static final int ROW = 16;

  private static final int PREVIEW_HEAD = 256;
  private static final int PREVIEW_TAIL = 256;
  /** Bytes of text shown either side of an offset. */
  private static final int TEXT_CONTEXT = 160;
  /** Values up to this size show whole on one line. */
  private static final int SHORT = 100;
  /** The longest row of escaped text. */
  private static final int TEXT_ROW = 64;
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
   * What arrived, for failure messages: nothing, or the size and a bounded view of it, as escaped
   * text and as hex rows, whichever {@link #readsAsText reads better} first. Long values show their
   * first and last bytes only, so the message stays a few KiB however much arrived.
   */
  public static String describe(Bytes bytes) {
    if (bytes.isEmpty()) {
      return "nothing";
    }
    String size = count(bytes.size());
    if (bytes.size() <= PREVIEW_HEAD + PREVIEW_TAIL) {
      byte[] all = bytes.toByteArray();
      return size + views(readsAsText(all), textRows(all, 0, -1), rows(all, 0));
    }
    long tailStart = (bytes.size() - PREVIEW_TAIL) / ROW * ROW;
    byte[] head = bytes.first(PREVIEW_HEAD).toByteArray();
    byte[] tail = bytes.slice(tailStart, bytes.size()).toByteArray();
    String skipped = "… " + (tailStart - PREVIEW_HEAD) + " bytes …\n";
    return size + " (the first " + PREVIEW_HEAD + " and the last " + (bytes.size() - tailStart) + ")"
        + views(readsAsText(head) && readsAsText(tail),
            textRows(head, 0, -1) + skipped + textRows(tail, tailStart, -1),
            rows(head, 0) + skipped + rows(tail, tailStart));
  }

  /**
   * A bounded view of {@code bytes} around offset {@code at}, labelled {@code label}: the lines of
   * escaped text around it and the hex rows around it, whichever reads better first, each with a
   * marker under the byte at {@code marked} (-1: none). A few KiB at most, however large the bytes.
   */
  public static String excerpt(String label, Bytes bytes, long at, long marked) {
    boolean text = readsAsText(bytes, at);
    String asText = label + ", as text:\n" + textWindow(bytes, at, marked);
    String asHex = label + ", as hex:\n" + window(bytes, at, marked);
    return text ? asText + asHex : asHex + asText;
  }

  /**
   * Two values side by side around their first difference at {@code at}: both as escaped text, then
   * both as hex rows (or hex first when the bytes are binary), so the eye compares like with like.
   */
  public static String compare(String expectedLabel, Bytes expected, String actualLabel, Bytes actual, long at) {
    boolean text = readsAsText(expected, at) && readsAsText(actual, at);
    String asText = expectedLabel + ", as text:\n" + textWindow(expected, at, at)
        + actualLabel + ", as text:\n" + textWindow(actual, at, at);
    String asHex = expectedLabel + ", as hex:\n" + window(expected, at, at)
        + actualLabel + ", as hex:\n" + window(actual, at, at);
    return text ? asText + asHex : asHex + asText;
  }

  /**
   * How two values differ at {@code at}: both on a line with a caret under the difference (see
   * {@link #pointAt}), then {@link #compare both windows}; values short enough for that line to show
   * them whole skip the text windows, which would say the same again.
   */
  public static String difference(String expectedLabel, Bytes expected, String actualLabel, Bytes actual, long at) {
    String pointer = pointAt(expectedLabel, expected, actualLabel, actual, at);
    boolean text = readsAsText(expected, at) && readsAsText(actual, at);
    if (text && expected.size() <= SHORT && actual.size() <= SHORT) {
      return pointer + expectedLabel + ", as hex:\n" + window(expected, at, at) + actualLabel + ", as hex:\n"
          + window(actual, at, at);
    }
    return pointer + compare(expectedLabel, expected, actualLabel, actual, at);
  }

  /**
   * The window around {@code at} for an IDE's expected/actual diff: escaped text rows and hex rows
   * (the order {@code asText} says), a few KiB at most, so that an IDE never receives a whole
   * recording. Give both sides the same {@code at} and {@code asText} so their lines pair up.
   */
  public static String forDiff(Bytes bytes, long at, boolean asText) {
    String text = textWindow(bytes, at, -1);
    String hex = window(bytes, at, -1);
    return asText ? text + hex : hex + text;
  }

  /**
   * Whether the bytes around offset {@code at} read better as text than as hex: at least 9 in 10 of
   * them printable ASCII, tab, CR or LF. Empty bytes count as text.
   */
  public static boolean readsAsText(Bytes bytes, long at) {
    long start = Math.max(0, at - TEXT_CONTEXT);
    long end = Math.min(bytes.size(), Math.max(at, 0) + TEXT_CONTEXT);
    return start >= end || readsAsText(bytes.slice(start, end).toByteArray());
  }

  /** Whether {@code data} reads better as text than as hex (see {@link #readsAsText(Bytes, long)}). */
  public static boolean readsAsText(byte[] data) {
    int printable = 0;
    for (byte value : data) {
      if ((value >= 0x20 && value < 0x7f) || value == '\n' || value == '\r' || value == '\t') {
        printable++;
      }
    }
    return printable * 10L >= data.length * 9L;
  }

  /**
   * The lines of escaped text around offset {@code at}: about {@value #TEXT_CONTEXT} bytes either
   * side, starting and ending at line ends where there are some, one quoted row per line (long lines
   * cut into rows of {@value #TEXT_ROW} bytes), each with its offset, and a caret under the byte at
   * {@code marked} (-1: none).
   */
  public static String textWindow(Bytes bytes, long at, long marked) {
    long start = Math.max(0, at - TEXT_CONTEXT);
    long end = Math.min(bytes.size(), Math.max(at, 0) + TEXT_CONTEXT);
    if (start >= end) {
      return bytes.isEmpty() ? "(nothing)\n" : "… " + count(bytes.size()) + " before, nothing at offset " + at + "\n";
    }
    byte[] data = bytes.slice(start, end).toByteArray();
    int from = 0;
    int to = data.length;
    if (start > 0) {
      // Start after the first line end before the offset, so the first row is a whole line.
      for (int i = 0; i < Math.min(at - start, data.length) - 1; i++) {
        if (data[i] == '\n') {
          from = i + 1;
          break;
        }
      }
    }
    if (end < bytes.size()) {
      for (int i = data.length - 1; i >= Math.max(from, at - start + 1); i--) {
        if (data[i] == '\n') {
          to = i + 1;
          break;
        }
      }
    }
    byte[] shown = java.util.Arrays.copyOfRange(data, from, to);
    long first = start + from;
    long last = start + to;
    String head = first > 0 ? "… " + count(first) + " before\n" : "";
    String tail = last < bytes.size() ? "… " + count(bytes.size() - last) + " after\n" : "";
    return head + textRows(shown, first, marked) + tail + endMark(bytes, marked);
  }

  private static String endMark(Bytes bytes, long marked) {
    return marked >= 0 && marked == bytes.size() && !bytes.isEmpty() ? "(ends here, after " + count(marked) + ")\n" : "";
  }

  /**
   * Two values on two lines, cut to the same stretch around offset {@code at}, and a caret under
   * that offset: the nearest miss and where it differs, e.g.
   *
   * <pre>
   *   expected: "HELLO world"
   *   received: "HELLO wurld"
   *                     ^
   * </pre>
   */
  public static String pointAt(String expectedLabel, Bytes expected, String actualLabel, Bytes actual, long at) {
    int width = Math.max(expectedLabel.length(), actualLabel.length());
    long start = Math.max(0, at - 40);
    String expectedLine = "  " + pad(expectedLabel, width) + ": " + cut(expected, start);
    String actualLine = "  " + pad(actualLabel, width) + ": " + cut(actual, start);
    long inActual = Math.min(at, actual.size());
    int column = 2 + width + 2 + (start > 0 ? 1 : 0) + 1
        + escaped(actual.slice(Math.min(start, actual.size()), inActual).toByteArray()).length();
    return expectedLine + "\n" + actualLine + "\n" + " ".repeat(column) + "^\n";
  }

  private static String cut(Bytes bytes, long start) {
    long from = Math.min(start, bytes.size());
    long end = Math.min(bytes.size(), from + 120);
    return (from > 0 ? "…" : "") + "\"" + escaped(bytes.slice(from, end).toByteArray()) + "\""
        + (end < bytes.size() ? "… (" + count(bytes.size()) + ")" : "");
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }

  /**
   * Rows of escaped text: one quoted row per line (the LF ends the row), lines longer than {@value
   * #TEXT_ROW} bytes cut into several rows, each starting with its offset as the hex rows do, and a
   * caret under the byte at absolute offset {@code marked} (-1: none).
   */
  public static String textRows(byte[] data, long baseOffset, long marked) {
    StringBuilder out = new StringBuilder(data.length * 2 + 32);
    int rowStart = 0;
    while (rowStart < data.length) {
      int rowEnd = rowStart;
      while (rowEnd < data.length && rowEnd - rowStart < TEXT_ROW && (rowEnd == rowStart || data[rowEnd - 1] != '\n')) {
        rowEnd++;
      }
      byte[] row = java.util.Arrays.copyOfRange(data, rowStart, rowEnd);
      appendOffset(out, baseOffset + rowStart);
      out.append("  \"").append(escaped(row)).append("\"\n");
      long column = marked - baseOffset - rowStart;
      if (column >= 0 && column < row.length) {
        int width = escaped(java.util.Arrays.copyOf(row, (int) column)).length();
        out.append(" ".repeat(8 + 2 + 1 + width)).append("^\n");
      }
      rowStart = rowEnd;
    }
    return out.toString();
  }

  /** {@code "…abc\r\n"…}: a value's escaped text around offset {@code at}, cut to about 120 bytes. */
  public static String quotedAround(Bytes bytes, long at) {
    long start = Math.max(0, Math.min(at, bytes.size()) - 40);
    long end = Math.min(bytes.size(), start + 120);
    return (start > 0 ? "…" : "") + "\"" + escaped(bytes.slice(start, end).toByteArray()) + "\""
        + (end < bytes.size() ? "… (" + count(bytes.size()) + ")" : "");
  }

  private static String views(boolean textFirst, String text, String hex) {
    return textFirst ? ", as text:\n" + text + "as hex:\n" + hex : ":\n" + hex + "as text:\n" + text;
  }

  /** {@code 14 bytes "PING\r\n$3\r\nfoo"}, cut after about 120 bytes, or {@code nothing}: one line in a list. */
  public static String summary(Bytes bytes) {
    return bytes.isEmpty() ? "nothing" : count(bytes.size()) + " " + quotedAround(bytes, 0);
  }

  /** {@code "1 byte"}, {@code "12 bytes"}. */
  public static String count(long bytes) {
    return bytes == 1 ? "1 byte" : bytes + " bytes";
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
    if (start >= end) {
      return bytes.isEmpty() ? "(nothing)\n" : "… " + count(bytes.size()) + " before, nothing at offset " + at + "\n";
    }
    String head = start > 0 ? "… " + count(start) + " before\n" : "";
    String tail = end < bytes.size() ? "… " + count(bytes.size() - end) + " after\n" : "";
    return head + rows(bytes.slice(start, end).toByteArray(), start, marked) + tail + endMark(bytes, marked);
  }

  private static char printable(byte value) {
    return value >= 0x20 && value < 0x7f ? (char) value : '.';
  }

  private static void appendOffset(StringBuilder out, long offset) {
    String hex = Long.toHexString(offset);
    out.append("0".repeat(Math.max(0, 8 - hex.length()))).append(hex);
  }
}
