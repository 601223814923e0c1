package dev.sockpuppet.datagram;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.UnixSocketPaths;
import dev.sockpuppet.internal.UnixSocketPlace;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A fake server on a Unix-domain datagram socket that records every datagram whole: the {@code
 * /dev/log} kind of socket that {@code syslog(3)}, {@code logger} and many daemons send to. (For
 * syslog messages parsed into fields, use {@link dev.sockpuppet.syslog.SyslogServer}.)
 *
 * <pre>{@code
 * try (UnixDatagramServer log = UnixDatagramServer.create().start()) {
 *   new ProcessBuilder("logger", "-u", log.path().toString(), "hello").start().waitFor();
 *   log.awaitDatagram();
 * }
 * }</pre>
 *
 * <p>Where the socket lives follows {@link dev.sockpuppet.stream.UnixSocketServer}: by default a
 * socket file of its own in a private directory (0700) under a short base, owner-only (0600) and
 * removed on stop; {@link #withPath(Path)}, {@link #withBaseDirectory(Path)}, {@link
 * #withPermissions(String)} and Linux's {@link #withAbstractName(String) abstract namespace} as
 * there. The JDK has no Unix datagram sockets, so this fake uses junixsocket (a native library
 * loaded on first use).
 *
 * <p>A datagram is recorded whole up to 256 KiB (more than Linux lets a datagram carry by
 * default). Senders that did not bind an address, as {@code logger} and glibc do, are recorded
 * with an unnamed address and cannot be answered. A program that connects a <em>stream</em> socket
 * here fails with "Protocol wrong type for socket" ({@code EPROTOTYPE}); use a {@link
 * dev.sockpuppet.stream.UnixSocketServer} for it.
 */
public final class UnixDatagramServer extends DatagramServer {
  /** More than a Linux datagram can carry with the default {@code net.core.wmem_max}. */
  private static final int LARGEST_UNIX_DATAGRAM = 256 * 1024;
  private static final int RECEIVE_BUFFER = 4 * 1024 * 1024;
  private static final SocketAddress UNNAMED = UnixDomainSocketAddress.of("");

  /** Configured before the first start; bound once per run under the lifecycle lock. */
  private final UnixSocketPlace place = new UnixSocketPlace();
  private volatile Path boundPath;
  private volatile SocketAddress boundAddress;

  private UnixDatagramServer() {
    super("UnixDatagramServer", "unixgram");
  }

  /** A server with the defaults: a fresh private directory, owner-only socket, record only. */
  public static UnixDatagramServer create() {
    return new UnixDatagramServer();
  }

  /** The name used in messages, transcripts, thread names and the default socket file name. */
  public UnixDatagramServer withName(String name) {
    core.name(name);
    return this;
  }

  /**
   * Receives on {@code path} instead of a socket in a fresh private directory. The parent directory
   * must exist. Checked at {@link #start()}: too long, a missing parent, or something bound there
   * fails with a message saying so; a stale socket file nobody uses is replaced.
   */
  public UnixDatagramServer withPath(Path path) {
    Objects.requireNonNull(path, "path");
    core.requireNew("withPath");
    place.path(path);
    return this;
  }

  /** Creates the fresh private directory under {@code base} instead of the default. */
  public UnixDatagramServer withBaseDirectory(Path base) {
    Objects.requireNonNull(base, "base");
    core.requireNew("withBaseDirectory");
    place.baseDirectory(base);
    return this;
  }

  /** Receives on {@code name} in Linux's abstract namespace (no file). Fails at start elsewhere. */
  public UnixDatagramServer withAbstractName(String name) {
    Objects.requireNonNull(name, "name");
    UnixSocketPaths.checkAbstractName(name);
    core.requireNew("withAbstractName");
    place.abstractName(name);
    return this;
  }

  /** Permissions of the socket file, e.g. {@code "rw-rw-rw-"} (default {@code "rw-------"}). */
  public UnixDatagramServer withPermissions(String permissions) {
    return withPermissions(UnixSocketPlace.parsePermissions(permissions));
  }

  /** Permissions of the socket file; a sender needs write permission. */
  public UnixDatagramServer withPermissions(Set<PosixFilePermission> permissions) {
    Objects.requireNonNull(permissions, "permissions");
    core.requireNew("withPermissions");
    place.permissions(permissions);
    return this;
  }

  /** How long {@code await…} methods and every reply wait (default 10 s). */
  public UnixDatagramServer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public UnixDatagramServer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** What the fake answers to each datagram (default: nothing). */
  public UnixDatagramServer withResponder(DatagramResponder responder) {
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
   * UnixDatagramServer.create().withScript(Script.create()
   *     .expectLineMatching("GET (?<key>\\w+)").sendText("VALUE ${key}")
   *     .expectText("BYE").sendText("OK"))
   * }</pre>
   *
   * @throws IllegalArgumentException naming the first step a datagram fake cannot play
   */
  public UnixDatagramServer withScript(Script script) {
    configureScript(script);
    return this;
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public UnixDatagramServer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /** Adds {@code fault}; see {@link DatagramFault} for directions and how faults combine. */
  public UnixDatagramServer withFault(DatagramFault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(DatagramFault)}. */
  public UnixDatagramServer withFaults(DatagramFault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public UnixDatagramServer start() {
    super.start();
    return this;
  }

  /**
   * The socket file's path.
   *
   * @throws IllegalStateException before {@link #start()}, or for an abstract-namespace server
   */
  public Path path() {
    core.requireStarted("path");
    if (boundPath == null) {
      throw new IllegalStateException(
          description() + " receives in the abstract namespace as \"" + place.abstractNameOrNull()
              + "\" and has no path; use address()");
    }
    return boundPath;
  }

  /**
   * The address programs send to: the JDK's {@link UnixDomainSocketAddress} of the socket file; for
   * the abstract namespace, junixsocket's {@code AFUNIXSocketAddress}.
   */
  @Override
  public SocketAddress address() {
    core.requireStarted("address");
    return boundAddress;
  }

  @Override
  DatagramChannel bind() throws IOException {
    DatagramChannel channel = place.bind(name(), AFUNIXSocketAddress::of, UnixDatagramServer::bindOrClose);
    boundPath = place.boundPathOrNull();
    boundAddress = place.boundAddress();
    return channel;
  }

  private static DatagramChannel bindOrClose(SocketAddress address) throws IOException {
    AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
    try {
      // The fake removes its own files; junixsocket must not delete a path it did not create.
      channel.setDeleteOnClose(false);
      channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      channel.bind(address);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  @Override
  void release() throws IOException {
    place.release(name());
  }

  @Override
  int largestWhole() {
    return LARGEST_UNIX_DATAGRAM;
  }

  @Override
  SocketAddress asRecorded(SocketAddress channelAddress) {
    if (channelAddress instanceof AFUNIXSocketAddress unix) {
      if (unix.isInAbstractNamespace()) {
        return unix;
      }
      String path = unix.getPath();
      return path.isEmpty() ? UNNAMED : UnixDomainSocketAddress.of(path);
    }
    return channelAddress == null ? UNNAMED : channelAddress;
  }

  @Override
  SocketAddress forChannel(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress jdk) {
      try {
        return AFUNIXSocketAddress.of(jdk.getPath());
      } catch (java.net.SocketException e) {
        throw new IllegalArgumentException("not a usable Unix socket address: " + address + " (" + e.getMessage() + ")", e);
      }
    }
    return address;
  }

  @Override
  String hintWhenNothingArrived() {
    return "a program that connects a stream socket here fails with \"Protocol wrong type for socket\""
        + " (EPROTOTYPE): use a UnixSocketServer for it";
  }
}
