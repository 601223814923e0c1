package dev.sockpuppet;

import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.recording.Segment;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An immutable sequence of bytes: what crossed a socket, or what a test expects to cross.
 *
 * <pre>{@code
 * Bytes request = connection.received();
 * request.text();        // "PING\r\n" decoded as UTF-8
 * request.lines();       // ["PING"]
 * request.hex();         // "50494e470d0a"
 * request.hexDump();     // 16 bytes a row, hex and ASCII
 * }</pre>
 *
 * <p>A {@code Bytes} never exposes a mutable array: factories copy what they are given and {@link
 * #toByteArray()} returns a fresh copy. A recording that went past its in-memory limit hands out
 * {@code Bytes} backed by its spill file; every view below reads through to it, so nothing is ever
 * truncated. Such a value can be read until its fake is closed, which deletes the file.
 *
 * <p>Equality is by content. Instances are safe to share between threads.
 */
public final class Bytes {
  private static final int BLOCK = 64 * 1024;
  private static final int SMALL_BLOCK = 256;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final Bytes EMPTY = new Bytes(new Segment[0]);

  static {
    Access.set(
        new Access.BytesAccess() {
          @Override
          public Bytes of(Segment[] segments) {
            return ofSegments(segments);
          }

          @Override
          public Bytes of(List<Segment> segments) {
            return ofSegments(segments.toArray(new Segment[0]));
          }

          @Override
          public Segment[] segments(Bytes bytes) {
            return bytes.segments;
          }
        });
  }

  private final Segment[] segments;
  private final long size;
  /**
   * {@code starts[i]} is the offset of segment i; null for a single segment, the common case (a
   * recorded chunk, a datagram), which so costs no array of its own.
   */
  private final long[] starts;

  private int hash;

  private Bytes(Segment[] segments) {
    this.segments = segments;
    if (segments.length <= 1) {
      this.starts = null;
      this.size = segments.length == 0 ? 0 : segments[0].length();
    } else {
      this.starts = new long[segments.length];
      long end = 0;
      for (int i = 0; i < segments.length; i++) {
        starts[i] = end;
        end += segments[i].length();
      }
      this.size = end;
    }
  }

  /** Bytes over segments that nobody mutates; the array is owned by the new value. */
  private static Bytes ofSegments(Segment[] segments) {
    for (Segment segment : segments) {
      if (segment.length() == 0) {
        // Offsets are found by binary search over segment starts, which needs non-empty segments.
        return ofSegments(Arrays.stream(segments).filter(s -> s.length() > 0).toArray(Segment[]::new));
      }
    }
    return segments.length == 0 ? EMPTY : new Bytes(segments);
  }

  /** The empty sequence. */
  public static Bytes empty() {
    return EMPTY;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return of(bytes, 0, bytes.length);
  }

  /** A copy of {@code length} bytes of {@code bytes} starting at {@code offset}. */
  public static Bytes of(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return EMPTY;
    }
    return new Bytes(
        new Segment[] {
          new Segment.InMemory(Arrays.copyOfRange(bytes, offset, offset + length), 0, length)
        });
  }

  /** The UTF-8 encoding of {@code text}. */
  public static Bytes of(String text) {
    return of(text, StandardCharsets.UTF_8);
  }

  /** The encoding of {@code text} in {@code charset}. */
  public static Bytes of(String text, Charset charset) {
    Objects.requireNonNull(text, "text");
    byte[] encoded = text.getBytes(charset);
    return encoded.length == 0 ? EMPTY : new Bytes(new Segment[] {new Segment.InMemory(encoded, 0, encoded.length)});
  }

  /**
   * Bytes written as hex digits, e.g. {@code "de ad be ef"} or {@code "DE:AD:BE:EF"}; spaces,
   * colons, dashes and line breaks between byte pairs are ignored.
   *
   * @throws IllegalArgumentException if a character is not a hex digit or the digit count is odd
   */
  public static Bytes ofHex(String hex) {
    Objects.requireNonNull(hex, "hex");
    String digits = hex.replaceAll("[\\s:\\-]", "");
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException(
          "hex text must have an even number of digits, got " + digits.length() + " in \"" + hex + "\"");
    }
    try {
      return of(HexFormat.of().parseHex(digits));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not hex: \"" + hex + "\" (" + e.getMessage() + ")", e);
    }
  }

  /** The given values one after another. */
  public static Bytes concat(Bytes... parts) {
    List<Segment> all = new ArrayList<>();
    for (Bytes part : parts) {
      Collections.addAll(all, part.segments);
    }
    return ofSegments(all.toArray(new Segment[0]));
  }

  /** Number of bytes. */
  public long size() {
    return size;
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** The byte at {@code index}. */
  public byte byteAt(long index) {
    Objects.checkIndex(index, size());
    byte[] one = new byte[1];
    copyTo(index, one, 0, 1);
    return one[0];
  }

  /**
   * A fresh copy of all bytes.
   *
   * @throws IllegalStateException if there are more than fit in one Java array; use {@link
   *     #inputStream()} for those
   */
  public byte[] toByteArray() {
    long size = size();
    if (size > MAX_ARRAY) {
      throw new IllegalStateException(
          size + " bytes do not fit in one array; read them with inputStream() or slice(…) first");
    }
    byte[] copy = new byte[(int) size];
    copyTo(0, copy, 0, copy.length);
    return copy;
  }

  /** The bytes decoded as UTF-8; malformed input becomes U+FFFD. */
  public String text() {
    return text(StandardCharsets.UTF_8);
  }

  /** The bytes decoded with {@code charset}. */
  public String text(Charset charset) {
    return new String(toByteArray(), charset);
  }

  /**
   * The UTF-8 text split into lines at LF, each without its LF or a CR before it. A final line
   * without a terminator is included; a final terminator does not add an empty line.
   */
  public List<String> lines() {
    String text = text();
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      int next = end < 0 ? text.length() : end + 1;
      int stop = end < 0 ? text.length() : end;
      if (stop > start && text.charAt(stop - 1) == '\r') {
        stop--;
      }
      lines.add(text.substring(start, stop));
      start = next;
    }
    return Collections.unmodifiableList(lines);
  }

  /** Lowercase hex digits, two per byte, no separators. */
  public String hex() {
    return HexFormat.of().formatHex(toByteArray());
  }

  /** A hex and ASCII dump, 16 bytes a row, each row starting with its offset. */
  public String hexDump() {
    return HexDump.rows(toByteArray(), 0);
  }

  /** A stream over the bytes; it reads through to spilled data without loading it all. */
  public InputStream inputStream() {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        if (position >= size()) {
          return -1;
        }
        return byteAt(position++) & 0xff;
      }

      @Override
      public int read(byte[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
          return 0;
        }
        long remaining = size() - position;
        if (remaining <= 0) {
          return -1;
        }
        int count = (int) Math.min(length, remaining);
        copyTo(position, target, offset, count);
        position += count;
        return count;
      }

      @Override
      public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, size() - position));
        position += skipped;
        return skipped;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size() - position);
      }
    };
  }

  /** Bytes {@code from} (inclusive) to {@code to} (exclusive); shares storage with this value. */
  public Bytes slice(long from, long to) {
    Objects.checkFromToIndex(from, to, size());
    if (from == 0 && to == size()) {
      return this;
    }
    List<Segment> parts = new ArrayList<>();
    for (int i = segmentAt(from); i < segments.length && start(i) < to; i++) {
      long start = start(i);
      int a = (int) Math.max(0, from - start);
      int b = (int) Math.min(segments[i].length(), to - start);
      if (b > a) {
        parts.add(a == 0 && b == segments[i].length() ? segments[i] : segments[i].slice(a, b));
      }
    }
    return ofSegments(parts.toArray(new Segment[0]));
  }

  /** The first {@code count} bytes, or all of them if there are fewer. */
  public Bytes first(long count) {
    return slice(0, Math.min(count, size()));
  }

  /** The last {@code count} bytes, or all of them if there are fewer. */
  public Bytes last(long count) {
    return slice(Math.max(0, size() - count), size());
  }

  /** Offset of the first occurrence of {@code needle}, or -1. */
  public long indexOf(Bytes needle) {
    return indexOf(needle, 0);
  }

  /** Offset of the first occurrence of {@code needle} at or after {@code from}, or -1. */
  public long indexOf(Bytes needle, long from) {
    Objects.requireNonNull(needle, "needle");
    if (needle.size() == 0) {
      return Math.min(Math.max(from, 0), size());
    }
    if (needle.size() > MAX_ARRAY) {
      throw new IllegalArgumentException("needle too large: " + needle.size() + " bytes");
    }
    byte[] pattern = needle.toByteArray();
    int[] failure = failureTable(pattern);
    // The block grows as the search goes on, so a search that ends soon (a line, a frame's
    // delimiter in a long recording) copies and allocates little.
    byte[] block = new byte[(int) Math.max(1, Math.min(SMALL_BLOCK, size()))];
    int matched = 0;
    for (long position = Math.max(from, 0); position < size(); ) {
      int count = (int) Math.min(block.length, size() - position);
      copyTo(position, block, 0, count);
      for (int i = 0; i < count; i++) {
        byte b = block[i];
        while (matched > 0 && pattern[matched] != b) {
          matched = failure[matched - 1];
        }
        if (pattern[matched] == b) {
          matched++;
        }
        if (matched == pattern.length) {
          return position + i - pattern.length + 1;
        }
      }
      position += count;
      if (block.length < BLOCK && position < size()) {
        block = new byte[Math.min(BLOCK, block.length * 2)];
      }
    }
    return -1;
  }

  /** Whether {@code needle} occurs anywhere in these bytes. */
  public boolean contains(Bytes needle) {
    return indexOf(needle) >= 0;
  }

  /** Whether the UTF-8 encoding of {@code text} occurs anywhere in these bytes. */
  public boolean contains(String text) {
    return contains(of(text));
  }

  public boolean startsWith(Bytes prefix) {
    return prefix.size() <= size() && slice(0, prefix.size()).equals(prefix);
  }

  public boolean endsWith(Bytes suffix) {
    return suffix.size() <= size() && slice(size() - suffix.size(), size()).equals(suffix);
  }

  /**
   * Offset of the first byte that differs from {@code other}, or -1 when both are equal. When one
   * is a prefix of the other, the answer is the shorter one's size.
   */
  public long mismatch(Bytes other) {
    long common = Math.min(size(), other.size());
    // Walks both segment lists side by side, comparing in place: no copies of either.
    int i = 0;
    int j = 0;
    int inMine = 0;
    int inTheirs = 0;
    for (long position = 0; position < common; ) {
      Segment mine = segments[i];
      Segment theirs = other.segments[j];
      int count = (int) Math.min(Math.min(mine.length() - inMine, theirs.length() - inTheirs), common - position);
      int at = Segment.mismatch(mine, inMine, theirs, inTheirs, count);
      if (at >= 0) {
        return position + at;
      }
      position += count;
      inMine += count;
      inTheirs += count;
      if (inMine == mine.length()) {
        i++;
        inMine = 0;
      }
      if (inTheirs == theirs.length()) {
        j++;
        inTheirs = 0;
      }
    }
    return size() == other.size() ? -1 : common;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof Bytes other && size() == other.size() && mismatch(other) < 0);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && size() > 0) {
      h = 1;
      byte[] block = new byte[(int) Math.min(BLOCK, size())];
      for (long position = 0; position < size(); ) {
        int count = (int) Math.min(block.length, size() - position);
        copyTo(position, block, 0, count);
        for (int i = 0; i < count; i++) {
          h = 31 * h + block[i];
        }
        position += count;
      }
      hash = h;
    }
    return h;
  }

  /** A short description: the size and the first bytes as escaped text. */
  @Override
  public String toString() {
    int shown = (int) Math.min(64, size());
    String preview = HexDump.escaped(first(shown).toByteArray());
    return "Bytes[" + size() + "]\"" + preview + (shown < size() ? "\"…" : "\"");
  }

  /** Copies {@code length} bytes from {@code from} into {@code target}, across segments. */
  private void copyTo(long from, byte[] target, int offset, int length) {
    Objects.checkFromIndexSize(from, length, size());
    int i = segmentAt(from);
    long position = from;
    int done = 0;
    while (done < length) {
      Segment segment = segments[i];
      int inSegment = (int) (position - start(i));
      int count = Math.min(segment.length() - inSegment, length - done);
      segment.copyTo(inSegment, target, offset + done, count);
      done += count;
      position += count;
      i++;
    }
  }

  /** Offset of segment {@code i}'s first byte. */
  private long start(int i) {
    return starts == null ? 0 : starts[i];
  }

  /** Index of the segment holding offset {@code position}. */
  private int segmentAt(long position) {
    if (starts == null) {
      return 0;
    }
    int i = Arrays.binarySearch(starts, position);
    if (i >= 0) {
      // Zero-length segments never exist, so an exact hit is the start of segment i.
      return i;
    }
    return -i - 2;
  }

  private static int[] failureTable(byte[] pattern) {
    int[] failure = new int[pattern.length];
    for (int i = 1, k = 0; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = failure[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      failure[i] = k;
    }
    return failure;
  }
}
