package dev.sockpuppet.internal;

/**
 * Well-formed UTF-8 as Unicode's table 3-7 defines it (no overlong forms, no surrogates, nothing
 * above U+10FFFF), decided byte by byte without the JDK decoder's allocations: for the syslog
 * parser's check of MSG and for export previews, which show each ill-formed byte on its own.
 */
public final class Utf8 {
  private Utf8() {}

  /** Whether {@code bytes[from..to)} are well-formed UTF-8. */
  public static boolean isWellFormed(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      int length = sequenceLength(bytes, i, to);
      if (length == 0) {
        return false;
      }
      i += length;
    }
    return true;
  }

  /**
   * The length of the well-formed sequence starting at {@code i} and ending before {@code end}: 1
   * for ASCII, 2 to 4 for others, 0 if the bytes there are not one.
   */
  public static int sequenceLength(byte[] bytes, int i, int end) {
    int c = bytes[i] & 0xff;
    if (c < 0x80) {
      return 1;
    }
    int length;
    int low = 0x80;
    int high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      low = c == 0xe0 ? 0xa0 : 0x80;
      high = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      low = c == 0xf0 ? 0x90 : 0x80;
      high = c == 0xf4 ? 0x8f : 0xbf;
    } else {
      return 0;
    }
    if (i + length > end) {
      return 0;
    }
    int second = bytes[i + 1] & 0xff;
    if (second < low || second > high) {
      return 0;
    }
    for (int k = 2; k < length; k++) {
      int next = bytes[i + k] & 0xff;
      if (next < 0x80 || next > 0xbf) {
        return 0;
      }
    }
    return length;
  }
}
