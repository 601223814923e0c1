package dev.sockpuppet.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Plain JDK clients, as the program under test would connect. Every read is bounded. Public
 * because fixtures run from a {@link FreshClassLoader}, which puts them in another runtime package.
 */
public final class Clients {
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private Clients() {}

  /** Connects to a Unix socket, sends {@code text}, and closes. */
  public static void sendUnix(Path path, String text) {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Connects to a Unix socket, sends {@code text}, half-closes, and returns what comes back until
   * EOF; fails if that takes longer than the read timeout.
   */
  public static String exchangeUnix(Path path, String text) {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        Selector selector = Selector.open()) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      channel.shutdownOutput();
      // A Unix channel has no socket adaptor and so no SO_TIMEOUT: bound the reads with a selector.
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS);
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IOException("no EOF from " + path + " within " + READ_TIMEOUT_MILLIS + " ms; received so far: " + reply);
        }
        selector.select(left);
        selector.selectedKeys().clear();
        int read = channel.read(buffer.clear());
        if (read < 0) {
          return reply.toString(StandardCharsets.UTF_8);
        }
        reply.write(buffer.array(), 0, read);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connects over TCP, sends {@code text}, half-closes, and returns what comes back until EOF. */
  public static String exchangeTcp(InetSocketAddress address, String text) {
    try (Socket socket = new Socket()) {
      socket.connect(address, READ_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      in.transferTo(reply);
      return reply.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as one UDP datagram from an ephemeral loopback port. */
  public static void sendUdp(InetSocketAddress to, String text) {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as one UDP datagram and returns the datagram that comes back, within the read timeout. */
  public static String exchangeUdp(InetSocketAddress to, String text) {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, to));
      DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
      socket.receive(reply);
      return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code text} as one datagram to a Unix datagram socket from an unbound socket, as {@code
   * logger} and glibc's {@code syslog(3)} do (so it cannot be answered). The JDK has no Unix
   * datagram sockets, so this uses junixsocket.
   */
  public static void sendUnixDatagram(Path to, String text) {
    try (AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open()) {
      channel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.of(to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code host:port} as the extension publishes it. */
  public static InetSocketAddress parse(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    return new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
  }

  /** Starts {@code cat} reading a FIFO pair's {@code to-program} pipe and writing its {@code from-program} pipe. */
  public static Process cat(dev.sockpuppet.fifo.FifoPair pair) throws IOException {
    return new ProcessBuilder("sh", "-c", "cat < \"$0\" > \"$1\"", pair.toProgram().toString(), pair.fromProgram().toString())
        .redirectErrorStream(true)
        .start();
  }
}
