package dev.sockpuppet.internal.export;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Addresses as exports write them. */
final class Addresses {
  private Addresses() {}

  /**
   * {@code 127.0.0.1:4711}, {@code [::1]:4711}, a Unix socket's path, {@code an unnamed socket}, a
   * FIFO pair's pipes; null for no address (process pipes have none).
   */
  static String describe(SocketAddress address) {
    if (address == null) {
      return null;
    }
    if (address instanceof InetSocketAddress inet) {
      InetAddress ip = inet.getAddress();
      String host = ip == null ? inet.getHostString() : ip.getHostAddress();
      return (ip != null && !(ip instanceof Inet4Address) ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    if (address instanceof UnixDomainSocketAddress unix) {
      String path = unix.getPath().toString();
      return path.isEmpty() ? "an unnamed socket" : path;
    }
    if (address instanceof AFUNIXSocketAddress unix) {
      String path = unix.getPath();
      return unix.isInAbstractNamespace() ? "the abstract name " + unix : path.isEmpty() ? "an unnamed socket" : path;
    }
    String text = address.toString();
    return text.isEmpty() ? "an unnamed socket" : text;
  }

  /** Whether the address is a resolved IP address with a port: TCP or UDP as it was. */
  static boolean isIp(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null;
  }
}
