package dev.sockpuppet.stream;

import dev.sockpuppet.Connection;
import dev.sockpuppet.PeerCredentials;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.UnixSocketPaths;
import dev.sockpuppet.internal.engine.StreamEngine;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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
 * (0700), made fresh for this JVM under a short base directory, so its path always fits {@code
 * sun_path} (108 bytes on Linux, 104 on macOS) however long {@code java.io.tmpdir} is. Each server
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
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private Path requestedPath;
  private Path baseDirectory;
  private String abstractName;
  private Set<PosixFilePermission> permissions = OWNER_ONLY;
  private boolean peerCredentials;

  private Path privateDirectory;
  /** The path a bind is being tried on, for its error message. */
  private Path attemptedPath;
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
    this.requestedPath = path;
    this.abstractName = null;
    return this;
  }

  /**
   * Creates the fresh private directory under {@code base} instead of the default ({@code
   * java.io.tmpdir} when short enough, else {@code /tmp}), e.g. a directory shared with a
   * container. The base must exist; the socket path must still fit {@code sun_path}.
   */
  public UnixSocketServer withBaseDirectory(Path base) {
    Objects.requireNonNull(base, "base");
    core.requireNew("withBaseDirectory");
    this.baseDirectory = base;
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
    this.abstractName = name;
    this.requestedPath = null;
    return this;
  }

  /** Permissions of the socket file, e.g. {@code "rw-rw----"} (default {@code "rw-------"}). */
  public UnixSocketServer withPermissions(String permissions) {
    Objects.requireNonNull(permissions, "permissions");
    try {
      return withPermissions(PosixFilePermissions.fromString(permissions));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "permissions are written like \"rw-------\" (9 characters of r, w, x or -), got \"" + permissions + "\"", e);
    }
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
    this.permissions = permissions.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(permissions);
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
          description() + " listens in the abstract namespace as \"" + abstractName + "\" and has no path; use address()");
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
    try {
      return bindSocket();
    } catch (IOException e) {
      // The JDK's bind errors name no path ("No such file or directory"); the reader needs it.
      String where = abstractName != null ? "the abstract name \"" + abstractName + "\"" : String.valueOf(attemptedPath);
      String hint =
          String.valueOf(e.getMessage()).contains("ermission")
              ? "; its directory must be writable and searchable by this user"
              : "";
      throw new IOException("cannot bind the Unix socket " + where + ": " + e.getMessage() + hint, e);
    }
  }

  private ServerSocketChannel bindSocket() throws IOException {
    if (abstractName != null) {
      if (!UnixSocketPaths.hasAbstractNamespace()) {
        throw new IllegalStateException(
            "the abstract socket namespace exists only on Linux; use withPath(…) or the default path on this platform");
      }
      AFUNIXSocketAddress address = AFUNIXSocketAddress.inAbstractNamespace(abstractName);
      AFUNIXServerSocketChannel channel = AFUNIXServerSocketChannel.open();
      bindOrClose(channel, address);
      boundAddress = address;
      return channel;
    }
    boolean beyondOwner = permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
    ServerSocketChannel channel;
    SocketAddress address;
    if (requestedPath != null) {
      Path path = requestedPath.toAbsolutePath();
      UnixSocketPaths.checkLength(path);
      UnixSocketPaths.prepareForBind(path);
      attemptedPath = path;
      address = addressOf(path);
      channel = bindOrClose(address);
      boundPath = path;
    } else if (baseDirectory == null && !beyondOwner) {
      // The common case: a socket of its own name in the process's private directory. A random
      // part keeps names unique; the rare clash with a live socket just draws again.
      Path directory = UnixSocketPaths.processDirectory();
      for (int attempt = 1; ; attempt++) {
        Path path = directory.resolve(socketFileName("-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 36)));
        UnixSocketPaths.checkLength(path);
        attemptedPath = path;
        address = addressOf(path);
        try {
          channel = bindOrClose(address);
          boundPath = path;
          break;
        } catch (BindException e) {
          if (attempt == 5) {
            throw e;
          }
        }
      }
    } else {
      // Other users are to reach this socket, or the caller chose where: a directory of its own.
      privateDirectory =
          baseDirectory == null
              ? UnixSocketPaths.createPrivateDirectory()
              : UnixSocketPaths.createPrivateDirectory(baseDirectory);
      Path path = privateDirectory.resolve(socketFileName(""));
      UnixSocketPaths.checkLength(path);
      attemptedPath = path;
      address = addressOf(path);
      channel = bindOrClose(address);
      boundPath = path;
    }
    try {
      UnixSocketPaths.applyPermissions(boundPath, permissions);
      if (privateDirectory != null && beyondOwner) {
        UnixSocketPaths.openDirectoryFor(privateDirectory, permissions);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    // The path as the JDK names it, whichever library listens: the program under test connects
    // with its own client, and a junixsocket address would be of no use to the JDK's.
    boundAddress = UnixDomainSocketAddress.of(boundPath);
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
    if (boundPath != null) {
      Files.deleteIfExists(boundPath);
    }
    if (privateDirectory != null) {
      // Also after a failed start, when the socket file may exist but boundPath was never set.
      if (boundPath == null) {
        Files.deleteIfExists(privateDirectory.resolve(socketFileName("")));
      }
      Files.deleteIfExists(privateDirectory);
    }
  }

  private String socketFileName(String unique) {
    String safe = name().replaceAll("[^A-Za-z0-9._-]", "_");
    return (safe.length() > 24 ? safe.substring(0, 24) : safe) + unique + ".sock";
  }

  /** The JDK's address, or junixsocket's when the server records peer credentials. */
  private SocketAddress addressOf(Path path) throws IOException {
    return peerCredentials ? AFUNIXSocketAddress.of(path) : UnixDomainSocketAddress.of(path);
  }

  private ServerSocketChannel bindOrClose(SocketAddress address) throws IOException {
    ServerSocketChannel channel =
        peerCredentials ? AFUNIXServerSocketChannel.open() : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    bindOrClose(channel, address);
    return channel;
  }

  private static void bindOrClose(ServerSocketChannel channel, SocketAddress address) throws IOException {
    try {
      channel.bind(address, BACKLOG);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
