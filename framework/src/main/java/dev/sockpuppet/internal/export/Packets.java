package dev.sockpuppet.internal.export;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Synthetic IPv4/IPv6 packets carrying TCP or UDP, built in place: the caller reads the payload
 * into {@link #buffer()} at {@link #payloadOffset(boolean, boolean)}, then asks for the headers in
 * front of it, with valid IP, TCP and UDP checksums. One buffer, reused for every packet.
 */
final class Packets {
  static final int IPV4_HEADER = 20;
  static final int IPV6_HEADER = 40;
  static final int TCP_HEADER = 20;
  static final int UDP_HEADER = 8;
  /** The most TCP payload one segment carries in either family: IPv4's total length is 16 bits. */
  static final int MAX_TCP_PAYLOAD = 65_535 - IPV4_HEADER - TCP_HEADER;
  /** The most UDP payload one IPv4 datagram carries. */
  static final int MAX_UDP4_PAYLOAD = 65_535 - IPV4_HEADER - UDP_HEADER;
  /** The most UDP payload one IPv6 datagram carries (without a jumbogram). */
  static final int MAX_UDP6_PAYLOAD = 65_535 - UDP_HEADER;

  static final int FIN = 0x01;
  static final int SYN = 0x02;
  static final int RST = 0x04;
  static final int PSH = 0x08;
  static final int ACK = 0x10;

  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** Room for the largest header (IPv6 + TCP) and the largest payload. */
  private final byte[] buffer = new byte[IPV6_HEADER + TCP_HEADER + 65_535 + 8];
  private int ipId;

  /** Where a packet starts and how long it is, in {@link #buffer()}. */
  record Frame(int offset, int length) {}

  /** One end: an IPv4 (4 bytes) or IPv6 (16 bytes) address and a port. */
  record Endpoint(byte[] address, int port) {
    boolean v6() {
      return address.length == 16;
    }
  }

  byte[] buffer() {
    return buffer;
  }

  /**
   * Where the payload goes: after room for the largest headers, so that every packet, IPv4 or
   * IPv6, TCP or UDP, ends its headers right before it.
   */
  static int payloadOffset() {
    return IPV6_HEADER + TCP_HEADER;
  }

  /** A TCP segment from {@code from} to {@code to} with the payload already at {@link #payloadOffset()}. */
  Frame tcp(Endpoint from, Endpoint to, long seq, long ack, int flags, int payloadLength) {
    int start = payloadOffset() - TCP_HEADER;
    int at = start;
    at = short16(at, from.port());
    at = short16(at, to.port());
    at = int32(at, (int) seq);
    at = int32(at, (flags & ACK) != 0 ? (int) ack : 0);
    buffer[at++] = (byte) (5 << 4); // data offset: 5 words, no options
    buffer[at++] = (byte) flags;
    at = short16(at, 65_535); // window
    at = short16(at, 0); // checksum, filled in below
    short16(at, 0); // urgent pointer
    int segment = TCP_HEADER + payloadLength;
    short16(start + 16, checksum(from, to, TCP, start, segment));
    return ip(from, to, TCP, start, segment);
  }

  /** A UDP datagram from {@code from} to {@code to} with the payload already at {@link #payloadOffset()}. */
  Frame udp(Endpoint from, Endpoint to, int payloadLength) {
    int start = payloadOffset() - UDP_HEADER;
    int length = UDP_HEADER + payloadLength;
    int at = start;
    at = short16(at, from.port());
    at = short16(at, to.port());
    at = short16(at, length);
    short16(at, 0);
    int sum = checksum(from, to, UDP, start, length);
    // A computed 0 is sent as all ones: 0 means "no checksum" (and is not allowed over IPv6).
    short16(start + 6, sum == 0 ? 0xFFFF : sum);
    return ip(from, to, UDP, start, length);
  }

  /** Puts the IP header in front of the transport segment at {@code start}. */
  private Frame ip(Endpoint from, Endpoint to, int protocol, int start, int length) {
    if (from.v6()) {
      int header = start - IPV6_HEADER;
      int at = int32(header, 6 << 28);
      at = short16(at, length);
      buffer[at++] = (byte) protocol;
      buffer[at++] = 64; // hop limit
      System.arraycopy(from.address(), 0, buffer, at, 16);
      System.arraycopy(to.address(), 0, buffer, at + 16, 16);
      return new Frame(header, IPV6_HEADER + length);
    }
    int header = start - IPV4_HEADER;
    int at = header;
    buffer[at++] = 0x45; // version 4, 5 words
    buffer[at++] = 0;
    at = short16(at, IPV4_HEADER + length);
    at = short16(at, ipId++ & 0xFFFF);
    at = short16(at, 0x4000); // don't fragment
    buffer[at++] = 64; // TTL
    buffer[at++] = (byte) protocol;
    at = short16(at, 0);
    System.arraycopy(from.address(), 0, buffer, at, 4);
    System.arraycopy(to.address(), 0, buffer, at + 4, 4);
    short16(header + 10, fold(sum(buffer, header, IPV4_HEADER, 0)));
    return new Frame(header, IPV4_HEADER + length);
  }

  /** The TCP/UDP checksum: over the pseudo-header, then the segment at {@code start}. */
  private int checksum(Endpoint from, Endpoint to, int protocol, int start, int length) {
    long sum = sum(from.address(), 0, from.address().length, 0);
    sum = sum(to.address(), 0, to.address().length, sum);
    sum += protocol + (length & 0xFFFF) + (length >>> 16);
    return fold(sum(buffer, start, length, sum));
  }

  /** Ones' complement sum of big-endian 16-bit words, four bytes at a time; an odd last byte is padded. */
  static long sum(byte[] data, int offset, int length, long sum) {
    int at = offset;
    int end = offset + length;
    for (; at + 4 <= end; at += 4) {
      sum += (int) INTS.get(data, at) & 0xFFFF_FFFFL;
    }
    if (at + 2 <= end) {
      sum += ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
      at += 2;
    }
    if (at < end) {
      sum += (data[at] & 0xFF) << 8;
    }
    return sum;
  }

  /** Folds a sum to 16 bits and complements it. */
  static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  private int short16(int at, int value) {
    buffer[at] = (byte) (value >>> 8);
    buffer[at + 1] = (byte) value;
    return at + 2;
  }

  private int int32(int at, int value) {
    INTS.set(buffer, at, value);
    return at + 4;
  }
}
