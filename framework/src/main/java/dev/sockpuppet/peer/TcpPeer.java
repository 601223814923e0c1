package dev.sockpuppet.peer;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A scripted client that connects to a TCP server under test and records everything.
 *
 * <pre>{@code
 * try (TcpPeer client = TcpPeer.to(server.port())
 *     .withScript(Script.create().sendLine("PING").expectLine("PONG").close())
 *     .start()) {
 *   client.awaitFinished();
 * }
 * }</pre>
 *
 * <p>See {@link StreamPeer} for connecting, scripts and waiting.
 */
public final class TcpPeer extends StreamPeer {
  private final InetSocketAddress target;

  private TcpPeer(InetSocketAddress target) {
    super("TcpPeer", "tcp-peer");
    this.target = target;
  }

  /** A peer that connects to {@code port} on the loopback address. */
  public static TcpPeer to(int port) {
    return to(new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
  }

  /** A peer that connects to {@code host:port}; the name is resolved now. */
  public static TcpPeer to(String host, int port) {
    Objects.requireNonNull(host, "host");
    InetSocketAddress address = new InetSocketAddress(host, checkPort(port));
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve the host name \"" + host + "\"");
    }
    return to(address);
  }

  /** A peer that connects to {@code address}. */
  public static TcpPeer to(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("the address " + address + " is not resolved");
    }
    if (address.getPort() == 0) {
      throw new IllegalArgumentException("cannot connect to port 0; pass the port the program listens on");
    }
    return new TcpPeer(address);
  }

  /** The name used in messages, transcripts and thread names. */
  public TcpPeer withName(String name) {
    core.name(name);
    return this;
  }

  /** How long connecting, each expect and every write wait (default 10 s). */
  public TcpPeer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public TcpPeer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** The conversation to play; replaces a handler or responder. */
  public TcpPeer withScript(Script script) {
    configureScript(script);
    return this;
  }

  /** Plain code for the connection; replaces a script or responder. */
  public TcpPeer withHandler(Handler handler) {
    configureHandler(handler);
    return this;
  }

  /** A canned behaviour for the connection (default: record only); replaces a script or handler. */
  public TcpPeer withResponder(Responder responder) {
    configureResponder(responder);
    return this;
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public TcpPeer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /**
   * Adds {@code fault} to the peer's connection, e.g. {@code withFault(Fault.slice(3,
   * Duration.ofMillis(1)))} to send in small pieces; see {@link Fault}.
   */
  public TcpPeer withFault(Fault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public TcpPeer withFaults(Fault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public TcpPeer start() {
    super.start();
    return this;
  }

  @Override
  public TcpPeer awaitFinished() {
    super.awaitFinished();
    return this;
  }

  @Override
  public TcpPeer awaitFinished(Duration timeout) {
    super.awaitFinished(timeout);
    return this;
  }

  /** The address this peer connects to. */
  public InetSocketAddress targetAddress() {
    return target;
  }

  @Override
  SocketChannel openChannel() throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      // Scripts send small pieces; Nagle would hold them back and skew timing.
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  @Override
  SocketAddress target() {
    return target;
  }

  @Override
  String targetDescription() {
    String host = target.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + target.getPort();
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("a TCP port to connect to is between 1 and 65535, got " + port);
    }
    return port;
  }
}
