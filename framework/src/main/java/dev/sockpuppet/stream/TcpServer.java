package dev.sockpuppet.stream;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.engine.StreamEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A fake TCP server on the loopback interface that records every byte.
 *
 * <pre>{@code
 * try (TcpServer server = TcpServer.create().withResponder(Responder.echo()).start()) {
 *   new MyClient("127.0.0.1", server.port()).send("hello");
 *   server.awaitReceived("hello");
 * }
 * }</pre>
 *
 * <p>Binds {@code 127.0.0.1} on a port the kernel picks, so tests never race for a "free" port.
 * {@link #port()}, {@link #address()} and {@link #hostAndPort()} fail before {@link #start()}.
 * See {@link StreamServer} for behaviour, recording and waiting, and {@link FakeServer} for the
 * lifecycle.
 */
public final class TcpServer extends StreamServer {
  private static final int BACKLOG = 4096;

  private InetAddress bindAddress = InetAddress.getLoopbackAddress();
  private int requestedPort;
  private volatile InetSocketAddress bound;

  private TcpServer() {
    super("TcpServer", "tcp");
  }

  /** A server with the defaults: loopback, port chosen by the kernel, record only. */
  public static TcpServer create() {
    return new TcpServer();
  }

  /** The name used in messages, transcripts and thread names. */
  public TcpServer withName(String name) {
    core.name(name);
    return this;
  }

  /**
   * A fixed port instead of one the kernel picks. Fixed ports collide when tests run in parallel;
   * prefer the default and pass {@link #port()} to the program under test. A stop returns once the
   * port is released, so the next fake can bind it at once, with one exception the JVM makes: its
   * sockets are not close-on-exec, so a process it starts at that moment (another test's command)
   * holds the port for the few milliseconds until its launcher closes what it inherited.
   */
  public TcpServer withPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a TCP port is between 0 and 65535, got " + port);
    }
    core.requireNew("withPort");
    this.requestedPort = port;
    return this;
  }

  /**
   * A loopback address to bind instead of {@code 127.0.0.1}, e.g. {@code ::1}.
   *
   * @throws IllegalArgumentException if the address is not a loopback address
   */
  public TcpServer withBindAddress(InetAddress address) {
    Objects.requireNonNull(address, "address");
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "a fake binds loopback only, so nothing outside this machine can reach it; "
              + address.getHostAddress() + " is not a loopback address");
    }
    core.requireNew("withBindAddress");
    this.bindAddress = address;
    return this;
  }

  /** How long {@code await…} methods, handler reads and every write wait (default 10 s). */
  public TcpServer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public TcpServer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** A canned behaviour for every connection; replaces a handler. */
  public TcpServer withResponder(Responder responder) {
    configureResponder(responder);
    return this;
  }

  /** Plain code for every connection; replaces a responder. */
  public TcpServer withHandler(Handler handler) {
    configureHandler(handler);
    return this;
  }

  /**
   * The same script for every connection; {@code verify()} fails unless at least one connection
   * arrived and every connection's script ran to its end. Replaces a responder or handler.
   */
  public TcpServer withScript(Script script) {
    configureScripts("withScript", true, script);
    return this;
  }

  /**
   * One script per connection, in the order connections open: the first connection plays {@code
   * first}, the second the first of {@code then}, and so on (a first attempt that is reset, a retry
   * that succeeds). A connection beyond the last script is closed and reported as a problem; a
   * script whose connection never arrives fails {@code verify()}. Replaces a responder or handler.
   */
  public TcpServer withScripts(Script first, Script... then) {
    configureScripts("withScripts", false, first, then);
    return this;
  }

  /** Lets {@code verify()} pass although a script did not finish or never got its connection. */
  public TcpServer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /**
   * Adds {@code fault} to the connections it applies to (every connection unless it says {@code
   * onConnections(…)}), e.g. {@code withFault(Fault.latency(Duration.ofMillis(200)))}. Additive:
   * every fault added applies; see {@link Fault} for how they combine.
   */
  public TcpServer withFault(Fault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public TcpServer withFaults(Fault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public TcpServer start() {
    super.start();
    return this;
  }

  /** The port the server listens on. */
  public int port() {
    core.requireStarted("port");
    return bound.getPort();
  }

  /** {@code host:port} as clients and configuration files write it, e.g. {@code 127.0.0.1:41234}. */
  public String hostAndPort() {
    core.requireStarted("hostAndPort");
    String host = bound.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  @Override
  public InetSocketAddress address() {
    core.requireStarted("address");
    return bound;
  }

  @Override
  boolean addressBoundAgainSoon() {
    return requestedPort != 0;
  }

  @Override
  ServerSocketChannel bind() throws IOException {
    ServerSocketChannel opened = ServerSocketChannel.open();
    try {
      opened.bind(new InetSocketAddress(bindAddress, requestedPort), BACKLOG);
      bound = (InetSocketAddress) opened.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw new IOException("cannot bind " + bindAddress.getHostAddress() + ":" + requestedPort + ": " + e.getMessage(), e);
    }
    return opened;
  }

  @Override
  StreamEngine.ChannelSetup channelSetup() {
    return accepted -> {
      // Scripts and responders write small pieces; Nagle would hold them back and skew timing.
      accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
      return null;
    };
  }

  @Override
  void release() {
    // A TCP listener leaves nothing behind once its channel is closed.
  }
}
