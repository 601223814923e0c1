package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.FakeServer;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.behaviour.LiveConnection;
import dev.sockpuppet.datagram.DatagramResponder;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.AppendOnlyList;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake syslog daemon: receives messages over a Unix datagram socket (the {@code /dev/log} case,
 * the default), a Unix stream socket, UDP or TCP, parses each as RFC 5424 or RFC 3164 into a
 * {@link SyslogMessage}, and records the bytes as every fake does.
 *
 * <pre>{@code
 * try (SyslogServer syslog = SyslogServer.create().start()) {
 *   new App(Map.of("syslog.socket", syslog.path().toString())).run();
 *   SyslogMessage message = syslog.awaitMessage(m -> m.message().contains("started"));
 *   assertThat(syslog).hasMessage().withSeverity(Severity.NOTICE).withAppName("app");
 * }
 * }</pre>
 *
 * <p><b>Nothing is dropped.</b> A message that cannot be parsed is kept with its raw bytes and the
 * parse error ({@link SyslogMessage#parseError()}); a stream record longer than the maximum message
 * size (default 1 MiB) is kept cut, with a parse error that says so. On stream transports each
 * connection is split into messages on its own: TCP detects RFC 6587 octet counting or LF framing
 * from a connection's first byte; a Unix stream socket takes NUL or LF as the end of a message, as
 * glibc writes them.
 *
 * <p><b>The socket</b> follows the fake it runs on: {@link UnixDatagramServer} or {@link
 * UnixSocketServer} (a private directory, owner-only socket, or {@link #withPath(Path)}, {@link
 * #withPermissions(String)}, {@link #withAbstractName(String)}), {@link UdpServer} or {@link
 * TcpServer} (loopback, a port the kernel picks). {@link #traffic()} holds the datagrams or
 * connections as they crossed.
 *
 * <p>Defaults: timeout 10 s for the waits. See {@link dev.sockpuppet.Fake} for the lifecycle.
 * Thread-safe.
 */
public final class SyslogServer implements FakeServer {
  /** The longest stream record kept whole unless {@link #withMaxMessageSize(int)} says otherwise. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = SyslogRecords.DEFAULT_MAX_RECORD;

  static {
    Access.setSyslogCores(fake -> ((SyslogServer) fake).core);
  }

  private final SyslogTransport transport;
  private final FakeServer server;
  /** The fake this daemon runs on: exactly one of these four, as the transport says. */
  private final UnixDatagramServer unixDatagram;
  private final UnixSocketServer unixStream;
  private final UdpServer udp;
  private final TcpServer tcp;
  private final FakeCore core;
  private volatile int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  /** The current run's messages; replaced at each start. Guarded by itself. */
  private volatile List<SyslogMessage> messages = new AppendOnlyList<>();
  private final AtomicInteger taken = new AtomicInteger();
  private final ReceiveClock clock = new ReceiveClock();

  private SyslogServer(SyslogTransport transport) {
    this.transport = transport;
    this.unixDatagram =
        transport == SyslogTransport.UNIX_DATAGRAM
            ? UnixDatagramServer.create().withName("syslog").withResponder(DatagramResponder.replyWith(this::received))
            : null;
    this.udp =
        transport == SyslogTransport.UDP
            ? UdpServer.create().withName("syslog").withResponder(DatagramResponder.replyWith(this::received))
            : null;
    this.unixStream =
        transport == SyslogTransport.UNIX_STREAM
            ? UnixSocketServer.create().withName("syslog")
                .withHandler(connection -> read(connection, SyslogRecords.Mode.UNIX_STREAM))
            : null;
    this.tcp =
        transport == SyslogTransport.TCP
            ? TcpServer.create().withName("syslog").withHandler(connection -> read(connection, SyslogRecords.Mode.TCP))
            : null;
    this.server = unixDatagram != null ? unixDatagram : udp != null ? udp : unixStream != null ? unixStream : tcp;
    this.core = Access.core(server);
    core.kind("SyslogServer");
  }

  /** A syslog daemon on a Unix datagram socket in a private directory: where {@code /dev/log} would be. */
  public static SyslogServer create() {
    return create(SyslogTransport.UNIX_DATAGRAM);
  }

  /** A syslog daemon on {@code transport}. */
  public static SyslogServer create(SyslogTransport transport) {
    return new SyslogServer(Objects.requireNonNull(transport, "transport"));
  }

  // ---- configuration ----

  /** The name used in messages, transcripts, thread names and the default socket file name. */
  public SyslogServer withName(String name) {
    core.name(name);
    return this;
  }

  /** How long {@code await…} methods wait (default 10 s). */
  public SyslogServer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /**
   * Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). A
   * message reads its fields from the recorded bytes while they are in memory, so those count here
   * once; a message whose record spilled keeps its own copy of the record on the heap, outside this
   * limit, so that it still reads after {@link #close()} deleted the file (see {@link SyslogMessage}).
   */
  public SyslogServer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /**
   * The longest message a stream transport keeps whole (default 1 MiB); a longer one is kept cut,
   * with a parse error. Datagrams are always kept whole.
   */
  public SyslogServer withMaxMessageSize(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the maximum message size must be at least 1 byte, got " + bytes);
    }
    core.requireNew("withMaxMessageSize");
    this.maxMessageSize = bytes;
    return this;
  }

  /** Listens on {@code path} (Unix transports); see {@link UnixDatagramServer#withPath(Path)}. */
  public SyslogServer withPath(Path path) {
    unix("withPath");
    if (unixDatagram != null) {
      unixDatagram.withPath(path);
    } else {
      unixStream.withPath(path);
    }
    return this;
  }

  /** Creates the private directory under {@code base} (Unix transports). */
  public SyslogServer withBaseDirectory(Path base) {
    unix("withBaseDirectory");
    if (unixDatagram != null) {
      unixDatagram.withBaseDirectory(base);
    } else {
      unixStream.withBaseDirectory(base);
    }
    return this;
  }

  /** Listens in Linux's abstract namespace (Unix transports). */
  public SyslogServer withAbstractName(String name) {
    unix("withAbstractName");
    if (unixDatagram != null) {
      unixDatagram.withAbstractName(name);
    } else {
      unixStream.withAbstractName(name);
    }
    return this;
  }

  /** Permissions of the socket file, e.g. {@code "rw-rw-rw-"} as {@code /dev/log} has (Unix transports). */
  public SyslogServer withPermissions(String permissions) {
    unix("withPermissions");
    if (unixDatagram != null) {
      unixDatagram.withPermissions(permissions);
    } else {
      unixStream.withPermissions(permissions);
    }
    return this;
  }

  /** A fixed port (UDP and TCP); prefer the default and pass {@link #port()} to the program. */
  public SyslogServer withPort(int port) {
    ip("withPort");
    if (udp != null) {
      udp.withPort(port);
    } else {
      tcp.withPort(port);
    }
    return this;
  }

  /** A loopback address to bind instead of {@code 127.0.0.1} (UDP and TCP). */
  public SyslogServer withBindAddress(InetAddress address) {
    ip("withBindAddress");
    if (udp != null) {
      udp.withBindAddress(address);
    } else {
      tcp.withBindAddress(address);
    }
    return this;
  }

  private void unix(String method) {
    if (!transport.isUnix()) {
      throw new IllegalStateException(
          method + "(…) configures a Unix socket, but " + core.description() + " listens on " + transport);
    }
  }

  private FakeServer ip(String method) {
    if (transport.isUnix()) {
      throw new IllegalStateException(
          method + "(…) configures a UDP or TCP socket, but " + core.description() + " listens on " + transport);
    }
    return server;
  }

  // ---- receiving ----

  private Bytes received(Datagram datagram) {
    add(datagram.bytes(), datagram.sender(), datagram.at(), null);
    return null;
  }

  private void read(LiveConnection connection, SyslogRecords.Mode mode) throws Exception {
    // A syslog client may stay quiet for as long as it likes; the stop ends the read.
    connection.readTimeout(Duration.ofDays(365));
    SyslogRecords records = new SyslogRecords(mode, maxMessageSize);
    SocketAddress sender = connection.connection().peerAddress();
    while (true) {
      Bytes chunk = connection.read();
      List<SyslogRecords.Framed> framed = chunk.isEmpty() ? records.end() : records.feed(chunk);
      for (SyslogRecords.Framed record : framed) {
        add(record.bytes(), sender, Duration.between(traffic().startedAt(), Instant.now()), record.problemOrNull());
      }
      if (chunk.isEmpty()) {
        return;
      }
    }
  }

  private void add(Bytes raw, SocketAddress sender, Duration at, String framingProblem) {
    List<SyslogMessage> run = messages;
    synchronized (run) {
      run.add(SyslogParser.parse(run.size(), raw, sender, at, clock, framingProblem));
    }
  }

  // ---- lifecycle ----

  @Override
  public String name() {
    return core.name();
  }

  @Override
  public Duration timeout() {
    return core.timeout();
  }

  /** The transport this daemon listens on. */
  public SyslogTransport transport() {
    return transport;
  }

  @Override
  public SyslogServer start() {
    if (!isRunning()) {
      List<SyslogMessage> fresh = new AppendOnlyList<>();
      List<SyslogMessage> previous = messages;
      messages = fresh;
      try {
        server.start();
      } catch (RuntimeException | Error e) {
        messages = previous;
        throw e;
      }
      taken.set(0);
    }
    return this;
  }

  @Override
  public boolean isRunning() {
    return server.isRunning();
  }

  @Override
  public void stop() {
    server.stop();
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public void verify() {
    server.verify();
  }

  @Override
  public Traffic traffic() {
    return server.traffic();
  }

  /** The address programs send to: a Unix socket address, or {@code 127.0.0.1:port}. */
  @Override
  public SocketAddress address() {
    return server.address();
  }

  /**
   * The socket file's path (Unix transports).
   *
   * @throws IllegalStateException before {@link #start()}, for UDP or TCP, or in the abstract namespace
   */
  public Path path() {
    unix("path");
    return unixDatagram != null ? unixDatagram.path() : unixStream.path();
  }

  /**
   * The port (UDP and TCP).
   *
   * @throws IllegalStateException before {@link #start()}, or for a Unix transport
   */
  public int port() {
    ip("port");
    return udp != null ? udp.port() : tcp.port();
  }

  // ---- messages ----

  /** The messages received so far in this run, in arrival order (over all connections). */
  public List<SyslogMessage> messages() {
    List<SyslogMessage> run = messages;
    synchronized (run) {
      return List.copyOf(run);
    }
  }

  /** How many messages arrived so far in this run; cheaper than {@code messages().size()}. */
  public int messageCount() {
    List<SyslogMessage> run = messages;
    synchronized (run) {
      return run.size();
    }
  }

  /** Waits for the first message and returns it. */
  public SyslogMessage awaitMessage() {
    return awaitMessages(1).get(0);
  }

  /** Waits for the first message that satisfies {@code condition} and returns it. */
  public SyslogMessage awaitMessage(Predicate<SyslogMessage> condition) {
    Objects.requireNonNull(condition, "condition");
    return awaitMessage(
        condition instanceof SyslogMatcher matcher ? matcher.toString() : "a message that matches the condition", condition);
  }

  /**
   * Waits for the first message that satisfies {@code condition} and returns it.
   *
   * @param description the condition in words, for the failure message
   */
  public SyslogMessage awaitMessage(String description, Predicate<SyslogMessage> condition) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(condition, "condition");
    Optional<SyslogMessage> found =
        Awaits.until(
            core.description() + " to receive " + description,
            timeout(),
            () -> messages().stream().filter(condition).findFirst(),
            Optional::isPresent,
            () -> describeReceived(
                condition instanceof SyslogMatcher matcher
                    ? Comparator.comparingInt(m -> matcher.mismatches(m).size())
                    : null));
    return found.orElseThrow();
  }

  /** Waits until at least {@code count} messages arrived; returns the first {@code count}. */
  public List<SyslogMessage> awaitMessages(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    // Polls the count, not a copy of every message: a flood of 100,000 is awaited cheaply.
    Awaits.until(
        core.description() + " to receive " + (count == 1 ? "a message" : count + " messages"),
        timeout(),
        this::messageCount,
        arrived -> arrived >= count,
        () -> describeReceived(null));
    return messages().subList(0, count);
  }

  /** Waits for the next message this method has not handed out yet, like a queue. */
  public SyslogMessage takeMessage() {
    return Awaits.next(taken, next -> core.description() + " to receive message #" + next
        + " (the next one takeMessage() hands out)", timeout(), this::messages, () -> describeReceived(null));
  }

  /**
   * What arrived, for a failure message: every message (the last 20 of many), the nearest to
   * {@code nearest} first when given.
   */
  String describeReceived(Comparator<SyslogMessage> nearest) {
    List<SyslogMessage> all = messages();
    if (all.isEmpty()) {
      StringBuilder none = new StringBuilder("it received no message");
      if (!isRunning()) {
        none.append(" and is not running (call start() first)");
      }
      none.append(hint());
      return none.toString();
    }
    List<SyslogMessage> shown = new ArrayList<>(all.size() > 20 ? all.subList(all.size() - 20, all.size()) : all);
    if (nearest != null) {
      shown.sort(nearest);
    }
    StringBuilder out = new StringBuilder("it received ").append(all.size()).append(all.size() == 1 ? " message" : " messages");
    out.append(nearest != null ? ", nearest first:" : ":");
    for (SyslogMessage message : shown) {
      out.append("\n  ").append(message);
    }
    if (shown.size() < all.size()) {
      out.append("\n  (").append(all.size() - shown.size()).append(" earlier not shown)");
    }
    return out.toString();
  }

  private String hint() {
    return switch (transport) {
      case UNIX_DATAGRAM -> "; a program that connects a stream socket here fails with \"Protocol wrong type for socket\""
          + " (use SyslogTransport.UNIX_STREAM for it)";
      case UNIX_STREAM -> "; a program that sends datagrams here fails with \"Protocol wrong type for socket\""
          + " (use SyslogTransport.UNIX_DATAGRAM, the /dev/log default, for it)";
      case UDP -> "; a program that logs over TCP finds nothing listening (use SyslogTransport.TCP for it)";
      case TCP -> "; a program that logs over UDP sends into the void (use SyslogTransport.UDP for it)";
    };
  }

  /** E.g. {@code SyslogServer 'syslog'}. */
  String description() {
    return core.description();
  }

  @Override
  public String toString() {
    return core.description() + " (" + transport + ")" + (isRunning() ? " at " + address() : "");
  }
}
