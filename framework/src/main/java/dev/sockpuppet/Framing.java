package dev.sockpuppet;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a binary or text protocol cuts its byte stream into messages: after a delimiter, every N
 * bytes, or by a length in a header. Scripts expect and send frames with it, and assertions split
 * recorded bytes with it, so a test of a binary protocol needs no hand parsing.
 *
 * <pre>{@code
 * Framing lengthPrefixed = Framing.lengthPrefix(4);                 // 4-byte big-endian length, then the payload
 * Framing nulTerminated = Framing.delimiter(Bytes.ofHex("00"));
 * Framing records = Framing.fixedLength(128);
 * Framing littleEndian = Framing.lengthPrefix(2).littleEndian().lengthIncludesHeader();
 *
 * Script.create().expectFrame(lengthPrefixed, "PING").sendFrame(lengthPrefixed, "PONG");
 * assertThat(connection).receivedFrames(lengthPrefixed, "PING", "QUIT");
 * }</pre>
 *
 * <p>A frame's <em>payload</em> is what the framing wraps: the bytes before the delimiter, or after
 * the length header. {@link #frames} returns payloads; {@link #encode} wraps one. A length header
 * that announces more than {@linkplain #withMaxFrameLength the largest frame} (16 MiB unless set)
 * is an error rather than a reason to wait for gigabytes that will never come.
 *
 * <p>An immutable value; {@code with…}-style methods return a new framing.
 */
public final class Framing {
  /** The largest payload a length header may announce unless {@link #withMaxFrameLength} says otherwise. */
  public static final long DEFAULT_MAX_FRAME_LENGTH = 16L * 1024 * 1024;

  private enum Kind { DELIMITER, FIXED, LENGTH_PREFIX }

  private final Kind kind;
  private final Bytes delimiter;
  private final int fixedLength;
  private final int headerBytes;
  private final ByteOrder order;
  private final boolean includesHeader;
  private final long maxFrameLength;

  private Framing(
      Kind kind, Bytes delimiter, int fixedLength, int headerBytes, ByteOrder order, boolean includesHeader,
      long maxFrameLength) {
    this.kind = kind;
    this.delimiter = delimiter;
    this.fixedLength = fixedLength;
    this.headerBytes = headerBytes;
    this.order = order;
    this.includesHeader = includesHeader;
    this.maxFrameLength = maxFrameLength;
  }

  /** Frames that each end with {@code delimiter}; the payload is what comes before it. */
  public static Framing delimiter(Bytes delimiter) {
    Objects.requireNonNull(delimiter, "delimiter");
    if (delimiter.isEmpty()) {
      throw new IllegalArgumentException("a frame delimiter must not be empty");
    }
    return new Framing(Kind.DELIMITER, delimiter, 0, 0, ByteOrder.BIG_ENDIAN, false, DEFAULT_MAX_FRAME_LENGTH);
  }

  /** {@link #delimiter(Bytes)} with the UTF-8 encoding of {@code delimiter}, e.g. {@code "\r\n"}. */
  public static Framing delimiter(String delimiter) {
    Objects.requireNonNull(delimiter, "delimiter");
    return delimiter(Bytes.of(delimiter));
  }

  /** Frames of exactly {@code length} bytes each, all payload. */
  public static Framing fixedLength(int length) {
    if (length < 1) {
      throw new IllegalArgumentException("a fixed frame length must be at least 1, got " + length);
    }
    return new Framing(Kind.FIXED, null, length, 0, ByteOrder.BIG_ENDIAN, false, DEFAULT_MAX_FRAME_LENGTH);
  }

  /**
   * Frames that start with an unsigned length of {@code headerBytes} (1, 2, 4 or 8) bytes, big-endian
   * and counting the payload only, unless {@link #littleEndian()} or {@link #lengthIncludesHeader()}
   * say otherwise.
   */
  public static Framing lengthPrefix(int headerBytes) {
    if (headerBytes != 1 && headerBytes != 2 && headerBytes != 4 && headerBytes != 8) {
      throw new IllegalArgumentException("a length header has 1, 2, 4 or 8 bytes, got " + headerBytes);
    }
    return new Framing(Kind.LENGTH_PREFIX, null, 0, headerBytes, ByteOrder.BIG_ENDIAN, false, DEFAULT_MAX_FRAME_LENGTH);
  }

  /** This length-prefix framing with the length in little-endian byte order. */
  public Framing littleEndian() {
    requireLengthPrefix("littleEndian");
    return new Framing(kind, delimiter, fixedLength, headerBytes, ByteOrder.LITTLE_ENDIAN, includesHeader, maxFrameLength);
  }

  /** This length-prefix framing with a length that counts the header too (payload + header bytes). */
  public Framing lengthIncludesHeader() {
    requireLengthPrefix("lengthIncludesHeader");
    return new Framing(kind, delimiter, fixedLength, headerBytes, order, true, maxFrameLength);
  }

  /**
   * The largest payload this framing accepts (default 16 MiB): a length header announcing more, or
   * more bytes without a delimiter, is an error.
   */
  public Framing withMaxFrameLength(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the largest frame must be at least 1 byte, got " + bytes);
    }
    return new Framing(kind, delimiter, fixedLength, headerBytes, order, includesHeader, bytes);
  }

  /** The frame around {@code payload}: payload + delimiter, or length header + payload. */
  public Bytes encode(Bytes payload) {
    Objects.requireNonNull(payload, "payload");
    switch (kind) {
      case DELIMITER:
        if (payload.contains(delimiter)) {
          throw new IllegalArgumentException(
              "the payload contains the delimiter " + delimiter + ", so it cannot be one frame: " + payload);
        }
        return Bytes.concat(payload, delimiter);
      case FIXED:
        if (payload.size() != fixedLength) {
          throw new IllegalArgumentException(
              "a frame of this framing has exactly " + fixedLength + " bytes; the payload has " + payload.size());
        }
        return payload;
      default:
        long length = payload.size() + (includesHeader ? headerBytes : 0);
        if (headerBytes < 8 && length >= 1L << (8 * headerBytes)) {
          throw new IllegalArgumentException(
              "a " + headerBytes + "-byte length header cannot announce " + length + " bytes");
        }
        byte[] header = new byte[headerBytes];
        for (int i = 0; i < headerBytes; i++) {
          int shift = 8 * (order == ByteOrder.BIG_ENDIAN ? headerBytes - 1 - i : i);
          header[i] = (byte) (length >>> shift);
        }
        return Bytes.concat(Bytes.of(header), payload);
    }
  }

  /** {@link #encode(Bytes)} with the UTF-8 encoding of {@code payload}. */
  public Bytes encode(String payload) {
    Objects.requireNonNull(payload, "payload");
    return encode(Bytes.of(payload));
  }

  /**
   * The payloads of the complete frames in {@code stream}, in order. Bytes after the last complete
   * frame are not a frame; {@link #remainder} returns them.
   *
   * @throws IllegalArgumentException if a frame is larger than the largest frame allowed
   */
  public List<Bytes> frames(Bytes stream) {
    Objects.requireNonNull(stream, "stream");
    List<Bytes> frames = new ArrayList<>();
    long at = 0;
    while (true) {
      Bytes rest = stream.slice(at, stream.size());
      long end = frameEnd(rest);
      if (end < 0) {
        return frames;
      }
      frames.add(payload(rest.first(end)));
      at += end;
    }
  }

  /** The bytes after the last complete frame in {@code stream}: the start of a frame still to come. */
  public Bytes remainder(Bytes stream) {
    Objects.requireNonNull(stream, "stream");
    long at = 0;
    while (true) {
      Bytes rest = stream.slice(at, stream.size());
      long end = frameEnd(rest);
      if (end < 0) {
        return rest;
      }
      at += end;
    }
  }

  /**
   * The length of the first complete frame at the start of {@code unread}, header or delimiter
   * included, or -1 if the frame is not complete yet.
   *
   * @throws IllegalArgumentException if the frame is, or is announced as, larger than allowed
   */
  public long frameEnd(Bytes unread) {
    switch (kind) {
      case DELIMITER: {
        long at = unread.indexOf(delimiter);
        if (at < 0) {
          if (unread.size() > maxFrameLength + delimiter.size()) {
            throw new IllegalArgumentException(
                unread.size() + " bytes arrived without the delimiter " + delimiter + ", more than the largest frame ("
                    + maxFrameLength + " bytes; see withMaxFrameLength)");
          }
          return -1;
        }
        return at + delimiter.size();
      }
      case FIXED:
        return unread.size() >= fixedLength ? fixedLength : -1;
      default: {
        if (unread.size() < headerBytes) {
          return -1;
        }
        long announced = 0;
        for (int i = 0; i < headerBytes; i++) {
          int index = order == ByteOrder.BIG_ENDIAN ? i : headerBytes - 1 - i;
          announced = (announced << 8) | (unread.byteAt(index) & 0xff);
        }
        long payload = includesHeader ? announced - headerBytes : announced;
        if (payload < 0 || payload > maxFrameLength) {
          throw new IllegalArgumentException(
              "a length header announced " + Long.toUnsignedString(announced) + " bytes"
                  + (payload < 0 && includesHeader ? ", less than the header itself" : "")
                  + (payload > maxFrameLength
                      ? ", more than the largest frame (" + maxFrameLength + " bytes; see withMaxFrameLength)" : "")
                  + "; header: " + unread.first(headerBytes).hex());
        }
        long total = headerBytes + payload;
        return unread.size() >= total ? total : -1;
      }
    }
  }

  /** The payload of one complete frame as {@link #frameEnd} measured it. */
  public Bytes payload(Bytes frame) {
    switch (kind) {
      case DELIMITER:
        return frame.first(frame.size() - delimiter.size());
      case FIXED:
        return frame;
      default:
        return frame.slice(headerBytes, frame.size());
    }
  }

  private void requireLengthPrefix(String method) {
    if (kind != Kind.LENGTH_PREFIX) {
      throw new IllegalStateException(method + "() applies to a length-prefix framing, not to " + this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Framing other
        && kind == other.kind
        && Objects.equals(delimiter, other.delimiter)
        && fixedLength == other.fixedLength
        && headerBytes == other.headerBytes
        && order.equals(other.order)
        && includesHeader == other.includesHeader
        && maxFrameLength == other.maxFrameLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, delimiter, fixedLength, headerBytes, order, includesHeader, maxFrameLength);
  }

  /** E.g. {@code 4-byte big-endian length prefix}, for messages. */
  @Override
  public String toString() {
    switch (kind) {
      case DELIMITER:
        return "frames ending with " + delimiter;
      case FIXED:
        return "frames of " + fixedLength + " bytes";
      default:
        return headerBytes + "-byte " + (order == ByteOrder.BIG_ENDIAN ? "big" : "little") + "-endian length prefix"
            + (includesHeader ? " (counting the header)" : "");
    }
  }
}
