package dev.sockpuppet.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Where a Unix-domain fake listens, for stream and datagram sockets alike: a socket file of its own
 * in the process's private directory (the default), a fresh directory of its own (when others may
 * use the socket, or under a chosen base), an explicit path, or a name in Linux's abstract
 * namespace; with the socket file's permissions, and the removal of what a bind left behind.
 *
 * <p>The fake configures it before its first start and binds it once per run. Not thread-safe on
 * its own: the fake's lifecycle lock serialises binds and releases.
 */
public final class UnixSocketPlace {
  /** Owner read and write: the default permissions of a socket file. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  /** Opens a channel of the fake's kind and binds it to {@code address}, closing it on failure. */
  @FunctionalInterface
  public interface Binder<C extends Closeable> {
    C bind(SocketAddress address) throws IOException;
  }

  /** Makes the address a channel binds to from a path: the JDK's, or junixsocket's. */
  @FunctionalInterface
  public interface Addressing {
    SocketAddress of(Path path) throws IOException;
  }

  /** What a socket file's name must not contain. */
  private static final Pattern UNSAFE_IN_NAMES = Pattern.compile("[^A-Za-z0-9._-]");

  private Path requestedPath;
  private Path baseDirectory;
  private String abstractName;
  private Set<PosixFilePermission> permissions = OWNER_ONLY;

  private Path privateDirectory;
  private Path attemptedPath;
  private Path boundPath;
  private SocketAddress boundAddress;

  // ---- configuration ----

  public void path(Path path) {
    this.requestedPath = Objects.requireNonNull(path, "path");
    this.abstractName = null;
  }

  public void baseDirectory(Path base) {
    this.baseDirectory = Objects.requireNonNull(base, "base");
  }

  public void abstractName(String name) {
    Objects.requireNonNull(name, "name");
    UnixSocketPaths.checkAbstractName(name);
    this.abstractName = name;
    this.requestedPath = null;
  }

  /** Parses {@code "rw-rw----"}, failing with a message that shows the expected form. */
  public static Set<PosixFilePermission> parsePermissions(String permissions) {
    Objects.requireNonNull(permissions, "permissions");
    try {
      return PosixFilePermissions.fromString(permissions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "permissions are written like \"rw-------\" (9 characters of r, w, x or -), got \"" + permissions + "\"", e);
    }
  }

  public void permissions(Set<PosixFilePermission> permissions) {
    Objects.requireNonNull(permissions, "permissions");
    this.permissions =
        permissions.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(permissions);
  }

  public String abstractNameOrNull() {
    return abstractName;
  }

  // ---- binding ----

  /**
   * Binds a channel where this place says, and applies the permissions.
   *
   * @param fakeName names the socket file
   * @param addressing makes the address for a path (the abstract namespace always uses junixsocket)
   * @param binder opens and binds the channel
   * @throws IOException naming the path or abstract name, with a hint for permission errors
   */
  public <C extends Closeable> C bind(String fakeName, Addressing addressing, Binder<C> binder) throws IOException {
    privateDirectory = null;
    attemptedPath = null;
    boundPath = null;
    boundAddress = null;
    try {
      return bindSocket(fakeName, addressing, binder);
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

  private <C extends Closeable> C bindSocket(String fakeName, Addressing addressing, Binder<C> binder) throws IOException {
    if (abstractName != null) {
      if (!UnixSocketPaths.hasAbstractNamespace()) {
        throw new IllegalStateException(
            "the abstract socket namespace exists only on Linux; use withPath(…) or the default path on this platform");
      }
      AFUNIXSocketAddress address = AFUNIXSocketAddress.inAbstractNamespace(abstractName);
      C channel = binder.bind(address);
      boundAddress = address;
      return channel;
    }
    boolean beyondOwner = permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
    C channel;
    if (requestedPath != null) {
      Path path = requestedPath.toAbsolutePath();
      UnixSocketPaths.checkLength(path);
      UnixSocketPaths.prepareForBind(path);
      attemptedPath = path;
      channel = binder.bind(addressing.of(path));
      boundPath = path;
    } else if (baseDirectory == null && !beyondOwner) {
      // The common case: a socket of its own name in the process's private directory. A random
      // part keeps names unique; the rare clash with a live socket just draws again.
      for (int attempt = 1; ; attempt++) {
        Path directory = UnixSocketPaths.processDirectory();
        Path path =
            directory.resolve(socketFileName(fakeName, "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 36)));
        UnixSocketPaths.checkLength(path);
        attemptedPath = path;
        try {
          channel = binder.bind(addressing.of(path));
          boundPath = path;
          break;
        } catch (BindException e) {
          if (attempt == 5) {
            throw e;
          }
        } catch (IOException e) {
          // The directory was deleted under us (a cleanup of /dev/shm or /tmp): make it again, once.
          if (attempt > 1 || !UnixSocketPaths.processDirectoryLost(directory)) {
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
      Path path = privateDirectory.resolve(socketFileName(fakeName, ""));
      UnixSocketPaths.checkLength(path);
      attemptedPath = path;
      channel = binder.bind(addressing.of(path));
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

  /** The bound socket file, or null in the abstract namespace (or before a bind). */
  public Path boundPathOrNull() {
    return boundPath;
  }

  /** The bound address: the JDK's for a path, junixsocket's for an abstract name. */
  public SocketAddress boundAddress() {
    return boundAddress;
  }

  /**
   * Removes the socket file and the fake's own directory, also after a failed bind (when the
   * socket file may exist although the bind did not finish).
   */
  public void release(String fakeName) throws IOException {
    if (boundPath != null) {
      deleteIfExists(boundPath);
    }
    if (privateDirectory != null) {
      if (boundPath == null) {
        Files.deleteIfExists(privateDirectory.resolve(socketFileName(fakeName, "")));
      }
      Files.deleteIfExists(privateDirectory);
    }
  }

  /**
   * Removes the socket file: one unlink, where {@link Files#deleteIfExists} first asks what the file
   * is (an lstat per stop) to choose between unlink and rmdir.
   */
  private static void deleteIfExists(Path socket) throws IOException {
    if (!socket.toFile().delete() && Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(socket); // fails, and says why
    }
  }

  private static String socketFileName(String fakeName, String unique) {
    String safe = UNSAFE_IN_NAMES.matcher(fakeName).replaceAll("_");
    return (safe.length() > 24 ? safe.substring(0, 24) : safe) + unique + ".sock";
  }
}
