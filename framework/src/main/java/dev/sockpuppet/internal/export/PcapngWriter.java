package dev.sockpuppet.internal.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng blocks (draft-ietf-opsawg-pcapng) to a stream through one bounded buffer: a
 * Section Header Block, Interface Description Blocks and Enhanced Packet Blocks, little-endian, each
 * with its options. It never holds more than one packet and its buffer; the caller closes the
 * stream.
 */
final class PcapngWriter {
  /** LINKTYPE_RAW: every packet starts with an IPv4 or IPv6 header, told apart by its version. */
  static final int LINKTYPE_RAW = 101;

  private static final int SHB = 0x0A0D0D0A;
  private static final int IDB = 0x00000001;
  private static final int EPB = 0x00000006;
  private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  private static final int OPT_END = 0;
  private static final int OPT_COMMENT = 1;
  private static final int SHB_USERAPPL = 4;
  private static final int IF_NAME = 2;
  private static final int IF_DESCRIPTION = 3;
  private static final int IF_TSRESOL = 9;
  /** An option's value is at most 65535 bytes; comments are cut well below that. */
  private static final int MAX_OPTION = 60_000;

  private final OutputStream out;
  private final ByteBuffer buffer = ByteBuffer.allocate(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private int interfaces;

  PcapngWriter(OutputStream out) {
    this.out = out;
  }

  /** The section header: starts the file; {@code application} goes into shb_userappl. */
  void sectionHeader(String application) throws IOException {
    byte[] app = utf8(application);
    int length = 28 + optionLength(app) + 4;
    room(length);
    buffer.putInt(SHB).putInt(length).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0);
    buffer.putLong(-1); // section length: not given, the file is streamed
    option(SHB_USERAPPL, app);
    buffer.putShort((short) OPT_END).putShort((short) 0);
    buffer.putInt(length);
  }

  /**
   * An interface: one per fake. {@code tsresolPower} is the power of ten of the timestamp units (6
   * for microseconds, 9 for nanoseconds). Returns the interface's id for {@link #packet}.
   */
  int interfaceDescription(String name, String description, String comment, int tsresolPower) throws IOException {
    byte[] nameBytes = utf8(name);
    byte[] descriptionBytes = utf8(description);
    byte[] commentBytes = utf8(comment);
    int length = 16 + optionLength(nameBytes) + optionLength(descriptionBytes) + optionLength(commentBytes) + 8 + 4 + 4;
    room(length);
    buffer.putInt(IDB).putInt(length).putShort((short) LINKTYPE_RAW).putShort((short) 0).putInt(0); // snaplen 0: none
    option(IF_NAME, nameBytes);
    option(IF_DESCRIPTION, descriptionBytes);
    option(OPT_COMMENT, commentBytes);
    buffer.putShort((short) IF_TSRESOL).putShort((short) 1).put((byte) tsresolPower).put(new byte[3]);
    buffer.putShort((short) OPT_END).putShort((short) 0);
    buffer.putInt(length);
    return interfaces++;
  }

  /**
   * One packet: {@code length} bytes of {@code data} from {@code offset}, with a comment unless it
   * is null or empty. {@code timestamp} is in the interface's units.
   */
  void packet(int iface, long timestamp, byte[] data, int offset, int length, String comment) throws IOException {
    byte[] commentBytes = comment == null || comment.isEmpty() ? null : utf8(comment);
    int padded = pad(length);
    int options = commentBytes == null ? 0 : optionLength(commentBytes) + 4;
    int total = 28 + padded + options + 4;
    room(Math.min(total, buffer.capacity()));
    buffer.putInt(EPB).putInt(total).putInt(iface).putInt((int) (timestamp >>> 32)).putInt((int) timestamp);
    buffer.putInt(length).putInt(length);
    put(data, offset, length);
    room(padded - length + options + 4);
    for (int i = length; i < padded; i++) {
      buffer.put((byte) 0);
    }
    if (commentBytes != null) {
      option(OPT_COMMENT, commentBytes);
      buffer.putShort((short) OPT_END).putShort((short) 0);
    }
    buffer.putInt(total);
  }

  /** Writes what is buffered; the stream stays open. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void put(byte[] data, int offset, int length) throws IOException {
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int count = Math.min(length, buffer.remaining());
      buffer.put(data, offset, count);
      offset += count;
      length -= count;
    }
  }

  private void option(int code, byte[] value) {
    if (value.length == 0) {
      return;
    }
    buffer.putShort((short) code).putShort((short) value.length).put(value);
    for (int i = value.length; i < pad(value.length); i++) {
      buffer.put((byte) 0);
    }
  }

  /** Bytes an option takes, header and padding included; none for an empty value (left out). */
  private static int optionLength(byte[] value) {
    return value.length == 0 ? 0 : 4 + pad(value.length);
  }

  private static int pad(int length) {
    return (length + 3) & ~3;
  }

  /** The UTF-8 encoding, cut at a character boundary to fit an option. */
  private static byte[] utf8(String text) {
    if (text == null) {
      return new byte[0];
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_OPTION) {
      return bytes;
    }
    int end = MAX_OPTION;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // not in the middle of a character
    }
    return java.util.Arrays.copyOf(bytes, end);
  }

  private void room(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      drain();
    }
  }

  private void drain() throws IOException {
    if (buffer.position() > 0) {
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
  }
}
