package dev.sockpuppet.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two stream transports the fakes offer, opened the plain JDK way for baselines and clients.
 * TCP binds loopback on a kernel-chosen port; Unix sockets bind a file in a directory the caller
 * owns, so the baseline does not pay for the fake's private-directory setup (the fake does, and
 * that cost is part of what is measured).
 */
public enum Transport {
  TCP,
  UNIX;

  /** Opens and binds a listening channel; {@code directory} is used by UNIX only. */
  ServerSocketChannel bind(Path directory, String fileName) throws IOException {
    if (this == TCP) {
      ServerSocketChannel channel = ServerSocketChannel.open();
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
      return channel;
    }
    Path path = directory.resolve(fileName);
    Files.deleteIfExists(path);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    channel.bind(UnixDomainSocketAddress.of(path), 4096);
    return channel;
  }

  /** Connects a blocking client; TCP clients disable Nagle, as the fakes do on their side. */
  static SocketChannel connect(SocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open(address);
    if (address instanceof InetSocketAddress) {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
    return channel;
  }
}
