package dev.sockpuppet.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where Unix sockets live and the checks a path must pass before a bind, each failing with a
 * message that says what is wrong and how to fix it.
 */
public final class UnixSocketPaths {
  /** {@code sun_path} is 108 bytes on Linux, including the terminating NUL. */
  public static final int LINUX_SUN_PATH = 108;
  /** {@code sun_path} is 104 bytes on macOS and the BSDs, including the terminating NUL. */
  public static final int BSD_SUN_PATH = 104;
  /**
   * A private directory name plus a socket name take at most this much; a base directory whose
   * own path leaves less room than this under the limit is not used.
   */
  private static final int ROOM_FOR_NAMES = 48;

  private static final java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  /** How every process directory's name begins; see {@link #processDirectoryName}. */
  private static final String PROCESS_DIRECTORY_PREFIX = "sockpuppet-p";

  /** Guards {@link #processDirectory}. */
  private static final Object PROCESS_DIRECTORY_LOCK = new Object();
  /**
   * This process's private directory, made on first use: the one piece of process-wide state,
   * a cache of a path that never changes once made (unless someone deletes the directory).
   */
  private static Path processDirectory;

  private UnixSocketPaths() {}

  /**
   * This process's private socket directory (0700, short path; see {@link
   * #createPrivateDirectory()}), made on first use and removed when the JVM exits if empty.
   * Servers share it and each uses a socket name of its own: a directory per server would cost a
   * mkdir and an rmdir (about 0.1 ms here) on every start and stop, half the cost of a server.
   */
  public static Path processDirectory() throws IOException {
    synchronized (PROCESS_DIRECTORY_LOCK) {
      // Not looked at again on every call (an lstat per start): a bind in a directory someone
      // deleted fails, and the binder asks for it again with processDirectoryLost.
      if (processDirectory == null) {
        Path base = socketBase();
        removeDirectoriesOfDeadProcesses(base);
        String name = processDirectoryName(ProcessHandle.current().pid(), pidNamespace());
        try {
          processDirectory = Files.createDirectory(base.resolve(name), OWNER_ONLY_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
          // Ours from before someone deleted it and made it again, or another's with our pid (a
          // dead process whose directory could not be removed): a fresh one beside it.
          processDirectory = Files.createTempDirectory(base, name + "-", OWNER_ONLY_DIRECTORY);
        }
        processDirectory.toFile().deleteOnExit();
      }
      return processDirectory;
    }
  }

  /**
   * A bind in {@code directory}, as {@link #processDirectory()} returned it, failed: if it is gone
   * (someone deleted it), the next call makes it again.
   *
   * @return whether it was gone, so that the bind is worth another try
   */
  public static boolean processDirectoryLost(Path directory) {
    synchronized (PROCESS_DIRECTORY_LOCK) {
      if (directory.equals(processDirectory) && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        processDirectory = null;
        return true;
      }
      return processDirectory == null || !directory.equals(processDirectory);
    }
  }

  /**
   * {@code sockpuppet-p<pid>_<pid namespace>}, both in base 36: what a later JVM needs to tell that
   * the process that made the directory is gone. A JVM that was killed (a CI job's timeout, a
   * benchmark fork ended by force) runs no exit hook, so its directory and socket files would stay
   * for ever. Short, since a socket's whole path must fit {@code sun_path}.
   */
  static String processDirectoryName(long pid, long namespace) {
    return PROCESS_DIRECTORY_PREFIX + Long.toString(pid, 36) + "_" + Long.toString(namespace, 36);
  }

  /** The inode of this process's PID namespace on Linux ({@code pid:[4026531836]}), or 0 elsewhere. */
  static long pidNamespace() {
    try {
      String link = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString();
      return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Removes the process directories under {@code base} whose process is gone: made by a process of
   * this PID namespace (a container sharing {@code /tmp} has another, and its processes cannot be
   * seen from here) whose pid no longer runs. Only this user's directories can be entered (they are
   * 0700); only socket files and then the directory, if that left it empty, are deleted, never a link
   * followed. A pid reused by another process keeps its old directory: the mistake errs on the side
   * of leaving things.
   */
  static void removeDirectoriesOfDeadProcesses(Path base) {
    long namespace = pidNamespace();
    if (namespace == 0) {
      return;
    }
    String inThisNamespace = "_" + Long.toString(namespace, 36);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PROCESS_DIRECTORY_PREFIX + "*")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        int separator = name.indexOf('_');
        int end = name.indexOf('-', PROCESS_DIRECTORY_PREFIX.length());
        String namespacePart = separator < 0 ? "" : name.substring(separator, end < 0 ? name.length() : end);
        if (!namespacePart.equals(inThisNamespace)) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name.substring(PROCESS_DIRECTORY_PREFIX.length(), separator), 36);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          removeSocketsAndDirectory(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.getLogger(UnixSocketPaths.class.getName())
          .log(System.Logger.Level.DEBUG, "looking for directories of dead processes in " + base, e);
    }
  }

  private static void removeSocketsAndDirectory(Path directory) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (isSocket(entry)) {
          Files.deleteIfExists(entry);
        }
      }
      Files.deleteIfExists(directory); // fails, and leaves it, if anything else is in it
    } catch (IOException | RuntimeException e) {
      System.getLogger(UnixSocketPaths.class.getName()).log(System.Logger.Level.DEBUG, "removing " + directory, e);
    }
  }

  /** The size of {@code sun_path} on this platform. */
  public static int sunPathSize() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") ? LINUX_SUN_PATH : BSD_SUN_PATH;
  }

  /** Whether this platform has Linux's abstract socket namespace. */
  public static boolean hasAbstractNamespace() {
    return isLinux();
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  }

  /**
   * A fresh directory only the current user can enter (0700), under {@code /dev/shm} on Linux, else
   * {@code java.io.tmpdir} when that is short enough, else {@code /tmp} (see {@link #socketBase()}),
   * so that sockets in it always fit {@code sun_path}: macOS temp directories alone can take half of it.
   */
  public static Path createPrivateDirectory() throws IOException {
    return createPrivateDirectory(socketBase());
  }

  /**
   * Where private socket directories go: {@code /dev/shm} on Linux, unless {@code java.io.tmpdir}
   * was set to something other than {@code /tmp} (the user chose a place) or {@code /dev/shm} is not
   * a writable directory; else {@code java.io.tmpdir} when sockets under it fit {@code sun_path};
   * else {@code /tmp}.
   *
   * <p>Why a tmpfs: binding a Unix socket creates a file, and on a disk file system that is an
   * inode allocation. On ext4 without a journal (this project's CI machines) the allocator skips
   * every inode freed in the last seconds, one by one, so a suite that starts and stops fakes
   * quickly made each bind slower than the rest of the start: 50–90 µs per start in {@code /tmp}
   * against about 20 in {@code /dev/shm} (PERFORMANCE.md, issue 13).
   */
  private static Path socketBase() {
    String tmpdir = System.getProperty("java.io.tmpdir", "/tmp");
    if (isLinux() && Paths.get(tmpdir).equals(Paths.get("/tmp"))) {
      Path shm = Paths.get("/dev/shm");
      if (Files.isDirectory(shm) && Files.isWritable(shm)) {
        return shm;
      }
    }
    Path base = Paths.get(tmpdir);
    if (bytes(base.toAbsolutePath().toString()) + ROOM_FOR_NAMES >= sunPathSize() || !Files.isWritable(base)) {
      base = Paths.get("/tmp");
    }
    return base;
  }

  /**
   * A fresh directory only the current user can enter (0700) under {@code base}.
   *
   * @throws IllegalArgumentException if {@code base} is not a directory
   */
  public static Path createPrivateDirectory(Path base) throws IOException {
    if (!Files.isDirectory(base)) {
      throw new IllegalArgumentException(
          "the base directory for Unix sockets does not exist: " + base + "; create it first");
    }
    return Files.createTempDirectory(base, "sockpuppet-", OWNER_ONLY_DIRECTORY);
  }

  /**
   * Fails unless {@code path} is short enough to bind.
   *
   * @throws IllegalArgumentException with the length and the limit
   */
  public static void checkLength(Path path) {
    int length = bytes(path.toString());
    int limit = maxPathBytes();
    if (length > limit) {
      throw new IllegalArgumentException(
          "the Unix socket path is " + length + " bytes long, but the limit on this platform is " + limit
              + " bytes (sun_path holds " + sunPathSize() + " bytes, and the JDK binds paths up to "
              + limit + " plus the terminating NUL): " + path
              + "; choose a shorter path, or leave the path out and Sockpuppet creates a short one");
    }
  }

  /**
   * The longest path a socket can be bound to: the JDK refuses paths that leave less than two
   * bytes of {@code sun_path} free, one short of what the kernel takes.
   */
  public static int maxPathBytes() {
    return sunPathSize() - 2;
  }

  /**
   * Fails unless the abstract name fits {@code sun_path} after its leading NUL.
   *
   * @throws IllegalArgumentException with the length and the limit
   */
  public static void checkAbstractName(String name) {
    int length = bytes(name);
    int limit = sunPathSize() - 1;
    if (length == 0 || length > limit) {
      throw new IllegalArgumentException(
          "an abstract socket name must be 1 to " + limit + " bytes long, got " + length + " bytes: \"" + name + "\"");
    }
  }

  /**
   * Makes {@code path} ready for a bind: its parent must exist; a socket file there is replaced if
   * nothing listens on it; anything else there, or a listener, fails the start.
   *
   * @throws IllegalArgumentException when the parent is missing or the path is not a socket
   * @throws IllegalStateException when something is listening on the path
   */
  public static void prepareForBind(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null || !Files.exists(parent)) {
      throw new IllegalArgumentException(
          "the parent directory of the Unix socket path " + path + " does not exist: " + parent
              + "; create it first, or leave the path out and Sockpuppet creates a private directory");
    }
    if (!Files.isDirectory(parent)) {
      throw new IllegalArgumentException(
          "the parent of the Unix socket path " + path + " is not a directory: " + parent
              + "; choose a path in a directory, or leave the path out and Sockpuppet creates a private directory");
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IllegalArgumentException(
          path + " already exists and is not a socket; Sockpuppet only replaces stale socket files."
              + " Remove it or choose another path");
    }
    if (somethingListens(path)) {
      throw new IllegalStateException(
          "something is listening on (or bound to) " + path + " already; stop it, or choose another path");
    }
    // A socket file nobody listens on is what a crashed process leaves behind.
    Files.deleteIfExists(path);
  }

  /** Applies {@code permissions} to the socket file at {@code path}. */
  public static void applyPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
    Files.setPosixFilePermissions(path, permissions);
  }

  /**
   * Opens the private directory far enough that the socket's own permissions decide who may
   * connect: a group or other class granted anything on the socket may traverse the directory.
   */
  public static void openDirectoryFor(Path directory, Set<PosixFilePermission> socketPermissions) throws IOException {
    Set<PosixFilePermission> dir = EnumSet.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    if (socketPermissions.contains(PosixFilePermission.GROUP_READ)
        || socketPermissions.contains(PosixFilePermission.GROUP_WRITE)) {
      dir.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if (socketPermissions.contains(PosixFilePermission.OTHERS_READ)
        || socketPermissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      dir.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    Files.setPosixFilePermissions(directory, dir);
  }

  /** Whether {@code path} is a socket file (not following links). */
  public static boolean isSocket(Path path) throws IOException {
    Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return mode instanceof Integer bits && (bits & S_IFMT) == S_IFSOCK;
  }

  private static boolean somethingListens(Path path) throws IOException {
    try {
      SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (SocketException e) {
      // A live datagram socket (a syslog daemon's /dev/log) refuses a stream connection as the
      // wrong type; a stale file of either type refuses it as a connection nobody accepts.
      if (String.valueOf(e.getMessage()).contains("Protocol wrong type")) {
        return true;
      }
      throw e;
    }
  }

  private static int bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
