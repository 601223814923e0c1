package dev.sockpuppet.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.FakeServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that writes HTTP by hand, for the cases real clients never produce (a request a byte at
 * a time, pipelining, malformed heads), over TCP or a Unix socket alike. Every read is bounded.
 */
final class RawHttpClient implements AutoCloseable {
  private static final long BOUND_MILLIS = 10_000;
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\nContent-Length: *(\\d+)\r\n");

  private final SocketChannel channel;
  private final Selector selector;
  private final ByteArrayOutputStream unread = new ByteArrayOutputStream();
  private boolean ended;

  private RawHttpClient(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
  }

  static RawHttpClient connect(FakeServer server) throws IOException {
    SocketChannel channel =
        server.address() instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    channel.connect(server.address());
    return new RawHttpClient(channel);
  }

  RawHttpClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  RawHttpClient send(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long deadline = System.currentTimeMillis() + BOUND_MILLIS;
    while (buffer.hasRemaining()) {
      channel.write(buffer);
      assertTrue(System.currentTimeMillis() < deadline, "the fake did not take the request in time");
    }
    return this;
  }

  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** Reads a response head, up to and including its empty line. */
  String readHead() throws IOException {
    return text(readUntil("\r\n\r\n"));
  }

  /**
   * Reads one response framed by Content-Length (or none: no body), or a chunked one up to its last
   * chunk; returns it as it arrived.
   */
  String readResponse() throws IOException {
    String head = readHead();
    if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n")) {
      return head + text(readUntil("0\r\n\r\n"));
    }
    Matcher length = CONTENT_LENGTH.matcher(head);
    int size = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return head + text(readBytes(size));
  }

  /** Reads until the fake ends its output; returns what came before. */
  String readToEnd() throws IOException {
    while (fill()) {
      // until end-of-stream
    }
    byte[] rest = unread.toByteArray();
    unread.reset();
    return text(rest);
  }

  private byte[] readUntil(String end) throws IOException {
    byte[] marker = end.getBytes(StandardCharsets.ISO_8859_1);
    while (true) {
      byte[] have = unread.toByteArray();
      int at = indexOf(have, marker);
      if (at >= 0) {
        return take(at + marker.length);
      }
      assertTrue(fill(), "the fake ended its output before \"" + end.replace("\r\n", "\\r\\n") + "\"; it sent "
          + text(have));
    }
  }

  private byte[] readBytes(int count) throws IOException {
    while (unread.size() < count) {
      assertTrue(fill(), "the fake ended its output after " + unread.size() + " of " + count + " bytes");
    }
    return take(count);
  }

  /** Reads once more; false at end-of-stream. */
  private boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    long deadline = System.currentTimeMillis() + BOUND_MILLIS;
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (true) {
      long left = deadline - System.currentTimeMillis();
      assertTrue(left > 0, "nothing arrived from the fake within " + BOUND_MILLIS + " ms; unread: " + text(unread.toByteArray()));
      selector.select(left);
      selector.selectedKeys().clear();
      int read = channel.read(buffer);
      if (read < 0) {
        ended = true;
        return false;
      }
      if (read > 0) {
        unread.write(buffer.array(), 0, read);
        return true;
      }
    }
  }

  private byte[] take(int count) {
    byte[] all = unread.toByteArray();
    unread.reset();
    unread.write(all, count, all.length - count);
    byte[] taken = new byte[count];
    System.arraycopy(all, 0, taken, 0, count);
    return taken;
  }

  private static int indexOf(byte[] data, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= data.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (data[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
