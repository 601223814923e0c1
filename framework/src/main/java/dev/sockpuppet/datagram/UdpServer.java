package dev.sockpuppet.datagram;

import dev.sockpuppet.behaviour.Script;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A fake UDP server that records every datagram whole, with its sender and time: the statsd,
 * syslog, DNS or metrics endpoint the program under test sends to.
 *
 * <pre>{@code
 * try (UdpServer statsd = UdpServer.create().start()) {
 *   new MetricsClient("127.0.0.1", statsd.port()).increment("logins");
 *   assertThat(statsd.awaitDatagram().bytes().text()).isEqualTo("logins:1|c");
 * }
 * }</pre>
 *
 * <p>Binds {@code 127.0.0.1} on a port the kernel picks. UDP carries at most 65,507 bytes of
 * payload over IPv4 (65,527 over IPv6), so every datagram is recorded whole. The default behaviour
 * records and answers nothing; a {@link DatagramResponder} answers each sender. A program that
 * speaks TCP to this port finds nobody listening ("Connection refused"); use a {@link
 * dev.sockpuppet.stream.TcpServer} for it.
 */
public final class UdpServer extends DatagramServer {
  /** The receive buffer: the largest UDP datagram there is (the 16-bit length field's limit). */
  private static final int LARGEST_UDP_DATAGRAM = 65535;
  /** A socket buffer that holds a burst of datagrams while the fake records the ones before. */
  private static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

  private int requestedPort;
  private InetAddress bindAddress = InetAddress.getLoopbackAddress();
  private volatile InetSocketAddress bound;

  private UdpServer() {
    super("UdpServer", "udp");
  }

  /** A server with the defaults: loopback, a port the kernel picks, record only. */
  public static UdpServer create() {
    return new UdpServer();
  }

  /** The name used in messages, transcripts and thread names. */
  public UdpServer withName(String name) {
    core.name(name);
    return this;
  }

  /**
   * A fixed port instead of one the kernel picks. Fixed ports collide when tests run in parallel;
   * prefer the default and pass {@link #port()} to the program under test.
   */
  public UdpServer withPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a UDP port is between 0 and 65535, got " + port);
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
  public UdpServer withBindAddress(InetAddress address) {
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

  /** How long {@code await…} methods and every reply wait (default 10 s). */
  public UdpServer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public UdpServer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** What the fake answers to each datagram (default: nothing). */
  public UdpServer withResponder(DatagramResponder responder) {
    configureResponder(responder);
    return this;
  }

  /**
   * Plays {@code script} over the datagrams the program sends, in arrival order, instead of a
   * responder (the last of the two configured wins). Each expect takes one whole datagram (a line
   * needs no line end); the sends after it reply to that datagram's sender, one datagram each; a
   * pause holds the fake's receiving meanwhile. A datagram that does not match fails its step, and
   * a step's timeout runs from the end of the step before. Steps that need a connection (close,
   * reset, half-close, stall, end of stream) are refused, as is a script that does not start with
   * an expect.
   *
   * <pre>{@code
   * UdpServer.create().withScript(Script.create()
   *     .expectLineMatching("GET (?<key>\\w+)").sendText("VALUE ${key}")
   *     .expectText("BYE").sendText("OK"))
   * }</pre>
   *
   * @throws IllegalArgumentException naming the first step a datagram fake cannot play
   */
  public UdpServer withScript(Script script) {
    configureScript(script);
    return this;
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public UdpServer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /** Adds {@code fault}; see {@link DatagramFault} for directions and how faults combine. */
  public UdpServer withFault(DatagramFault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(DatagramFault)}. */
  public UdpServer withFaults(DatagramFault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public UdpServer start() {
    super.start();
    return this;
  }

  /** The port the server receives on. */
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
  DatagramChannel bind() throws IOException {
    DatagramChannel opened =
        DatagramChannel.open(bindAddress instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    try {
      opened.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      opened.bind(new InetSocketAddress(bindAddress, requestedPort));
      bound = (InetSocketAddress) opened.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw new IOException("cannot bind UDP " + bindAddress.getHostAddress() + ":" + requestedPort + ": " + e.getMessage(), e);
    }
    return opened;
  }

  @Override
  void release() {
    // A UDP socket leaves nothing behind once its channel is closed.
  }

  @Override
  int largestWhole() {
    return LARGEST_UDP_DATAGRAM;
  }

  @Override
  SocketAddress asRecorded(SocketAddress channelAddress) {
    return channelAddress;
  }

  @Override
  SocketAddress forChannel(SocketAddress address) {
    return address;
  }

  @Override
  String hintWhenNothingArrived() {
    return "a program that connects over TCP to this port finds nothing listening (\"Connection refused\"):"
        + " use a TcpServer for it";
  }
}
