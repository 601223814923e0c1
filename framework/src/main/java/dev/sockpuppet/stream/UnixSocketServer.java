package dev.sockpuppet.stream;

import dev.sockpuppet.Connection;
import dev.sockpuppet.PeerCredentials;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.UnixSocketPaths;
import dev.sockpuppet.internal.UnixSocketPlace;
import dev.sockpuppet.internal.engine.StreamEngine;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

/**
 * A fake server on a Unix-domain stream socket that records every byte: the daemon socket that the
 * program under test connects to.
 *
 * <pre>{@code
 * try (UnixSocketServer daemon = UnixSocketServer.create().start()) {
 *   new MyClient(daemon.path()).send("status");
 *   daemon.awaitReceivedLine("status");
 * }
 * }</pre>
 *
 * <p>By default the socket lives in a private directory that only the current user can enter
 * (0700), made fresh for this JVM under a short base directory ({@code /dev/shm} on Linux, a tmpfs),
 * so its path always fits {@code sun_path} (108 bytes on Linux, 104 on macOS) however long {@code
 * java.io.tmpdir} is. Each server
 * has a socket file of its own there, named after the server plus a random part, owner-only
 * (0600), and removed on stop. A server whose socket others may use ({@link
 * #withPermissions(String)} beyond the owner) or with a {@link #withBaseDirectory(Path) base
 * directory} gets a fresh directory of its own instead, removed on stop too. An explicit {@link #withPath(Path) path} is checked at {@link #start()}:
 * too long, a missing parent directory, or something listening there fails with a message saying
 * so; a stale socket file nobody listens on is replaced.
 *
 * <p>The default transport is the JDK's own ({@code SocketChannel} over {@code AF_UNIX}), with no
 * native code. The Linux abstract namespace and peer credentials need what the JDK lacks; for
 * them, {@link #withAbstractName(String)} and {@link #withPeerCredentials()} switch this server to
 * junixsocket, which loads a native library on first use.
 */
public final class UnixSocketServer extends StreamServer {
  private static final int BACKLOG = 4096;

  /** Configured before the first start; bound once per run under the lifecycle lock. */
  private final UnixSocketPlace place = new UnixSocketPlace();
  private boolean peerCredentials;
  private volatile Path boundPath;
  private volatile SocketAddress boundAddress;

  private UnixSocketServer() {
    super("UnixSocketServer", "unix");
  }

  /** A server with the defaults: a fresh private directory, owner-only socket, record only. */
  public static UnixSocketServer create() {
    return new UnixSocketServer();
  }

  /** The name used in messages, transcripts, thread names and the default socket file name. */
  public UnixSocketServer withName(String name) {
    core.name(name);
    return this;
  }

  /**
   * Listens on {@code path} instead of a socket in a fresh private directory. The parent directory
   * must exist. Checked at {@link #start()}.
   */
  public UnixSocketServer withPath(Path path) {
    Objects.requireNonNull(path, "path");
    core.requireNew("withPath");
    place.path(path);
    return this;
  }

  /**
   * Creates the fresh private directory under {@code base} instead of the default ({@code
   * /dev/shm} on Linux unless {@code java.io.tmpdir} was set elsewhere, else {@code java.io.tmpdir}
   * when short enough, else {@code /tmp}), e.g. a directory shared with a container. The base must exist; the socket path must still fit {@code sun_path}.
   */
  public UnixSocketServer withBaseDirectory(Path base) {
    Objects.requireNonNull(base, "base");
    core.requireNew("withBaseDirectory");
    place.baseDirectory(base);
    return this;
  }

  /**
   * Listens on {@code name} in Linux's abstract namespace (no file; clients connect to {@code
   * "\0" + name}, {@code socat ABSTRACT-CONNECT:name}). Uses junixsocket. Fails at start on other
   * platforms.
   */
  public UnixSocketServer withAbstractName(String name) {
    Objects.requireNonNull(name, "name");
    UnixSocketPaths.checkAbstractName(name);
    core.requireNew("withAbstractName");
    place.abstractName(name);
    return this;
  }

  /** Permissions of the socket file, e.g. {@code "rw-rw----"} (default {@code "rw-------"}). */
  public UnixSocketServer withPermissions(String permissions) {
    return withPermissions(UnixSocketPlace.parsePermissions(permissions));
  }

  /**
   * Permissions of the socket file (default owner read and write). On Linux a client needs write
   * permission to connect; {@code "---------"} lets a test see how a client copes with being
   * refused. The private directory is opened just enough for the socket's permissions to apply.
   * (The superuser ignores permissions.)
   */
  public UnixSocketServer withPermissions(Set<PosixFilePermission> permissions) {
    Objects.requireNonNull(permissions, "permissions");
    core.requireNew("withPermissions");
    place.permissions(permissions);
    return this;
  }

  /**
   * Records each connection's peer pid, uid and gid ({@link Connection#peerCredentials()}). Uses
   * junixsocket, since the JDK does not give the pid.
   */
  public UnixSocketServer withPeerCredentials() {
    core.requireNew("withPeerCredentials");
    this.peerCredentials = true;
    return this;
  }

  /** How long {@code await…} methods, handler reads and every write wait (default 10 s). */
  public UnixSocketServer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public UnixSocketServer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** A canned behaviour for every connection; replaces a handler. */
  public UnixSocketServer withResponder(Responder responder) {
    configureResponder(responder);
    return this;
  }

  /** Plain code for every connection; replaces a responder. */
  public UnixSocketServer withHandler(Handler handler) {
    configureHandler(handler);
    return this;
  }

  /**
   * The same script for every connection; {@code verify()} fails unless at least one connection
   * arrived and every connection's script ran to its end. Replaces a responder or handler.
   */
  public UnixSocketServer withScript(Script script) {
    configureScripts("withScript", true, script);
    return this;
  }

  /**
   * One script per connection, in the order connections open: the first connection plays {@code
   * first}, the second the first of {@code then}, and so on (a first attempt that is reset, a retry
   * that succeeds). A connection beyond the last script is closed and reported as a problem; a
   * script whose connection never arrives fails {@code verify()}. Replaces a responder or handler.
   */
  public UnixSocketServer withScripts(Script first, Script... then) {
    configureScripts("withScripts", false, first, then);
    return this;
  }

  /** Lets {@code verify()} pass although a script did not finish or never got its connection. */
  public UnixSocketServer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /**
   * Adds {@code fault} to the connections it applies to (every connection unless it says {@code
   * onConnections(…)}), e.g. {@code withFault(Fault.latency(Duration.ofMillis(200)))}. Additive:
   * every fault added applies; see {@link Fault} for how they combine.
   */
  public UnixSocketServer withFault(Fault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public UnixSocketServer withFaults(Fault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public UnixSocketServer start() {
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
          description() + " listens in the abstract namespace as \"" + place.abstractNameOrNull()
              + "\" and has no path; use address()");
    }
    return boundPath;
  }

  /**
   * The address clients connect to: the JDK's {@link UnixDomainSocketAddress} of the socket file
   * (also when junixsocket listens, for peer credentials), so {@code SocketChannel.open(address())}
   * works; for the abstract namespace, which the JDK cannot name, junixsocket's {@code
   * AFUNIXSocketAddress}.
   */
  @Override
  public SocketAddress address() {
    core.requireStarted("address");
    return boundAddress;
  }

  @Override
  ServerSocketChannel bind() throws IOException {
    ServerSocketChannel channel =
        place.bind(
            name(),
            path -> peerCredentials ? AFUNIXSocketAddress.of(path) : UnixDomainSocketAddress.of(path),
            this::bindOrClose);
    boundPath = place.boundPathOrNull();
    boundAddress = place.boundAddress();
    return channel;
  }

  @Override
  StreamEngine.ChannelSetup channelSetup() {
    if (!peerCredentials) {
      return accepted -> null;
    }
    return accepted -> {
      AFUNIXSocketCredentials credentials = ((AFUNIXSocketChannel) accepted).getPeerCredentials();
      return credentials == null ? null : new PeerCredentials(credentials.getPid(), credentials.getUid(), credentials.getGid());
    };
  }

  @Override
  void release() throws IOException {
    place.release(name());
  }

  private ServerSocketChannel bindOrClose(SocketAddress address) throws IOException {
    ServerSocketChannel channel =
        peerCredentials || address instanceof AFUNIXSocketAddress
            ? AFUNIXServerSocketChannel.open()
            : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(address, BACKLOG);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }
}
