package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input fails with a message that says what is wrong and how to fix it. */
class BadInputTest {
  @TempDir Path directory;

  @Test
  void aTooLongPathFailsAtStartWithItsLengthAndTheLimit() {
    Path path = directory.resolve("x".repeat(120) + ".sock");
    int length = path.toAbsolutePath().toString().getBytes().length;
    UnixSocketServer server = UnixSocketServer.create().withPath(path);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, server::start);
    assertEquals(
        "the Unix socket path is " + length + " bytes long, but the limit on this platform is 106 bytes"
            + " (sun_path holds 108 bytes, and the JDK binds paths up to 106 plus the terminating NUL): "
            + path.toAbsolutePath()
            + "; choose a shorter path, or leave the path out and Sockpuppet creates a short one",
        error.getMessage());
    assertFalse(server.isRunning());
  }

  @Test
  void aPathOfExactlyTheLimitWorks() {
    String prefix = directory.toAbsolutePath() + "/";
    Assumptions.assumeTrue(prefix.length() < 100, "the temp directory is too long to build a 106-byte path in it");
    Path path = directory.resolve("s".repeat(106 - prefix.length()));
    assertEquals(106, path.toString().length());
    try (UnixSocketServer server = UnixSocketServer.create().withPath(path).start()) {
      assertEquals(path, server.path());
    }
  }

  @Test
  void aMissingParentDirectoryIsNamed() {
    Path parent = directory.resolve("missing");
    UnixSocketServer server = UnixSocketServer.create().withPath(parent.resolve("d.sock"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, server::start);
    assertEquals(
        "the parent directory of the Unix socket path " + parent.resolve("d.sock") + " does not exist: " + parent
            + "; create it first, or leave the path out and Sockpuppet creates a private directory",
        error.getMessage());
  }

  @Test
  void aParentThatIsARegularFileIsCalledNotADirectory() throws IOException {
    Path regular = Files.writeString(directory.resolve("regular"), "not a directory");
    UnixSocketServer server = UnixSocketServer.create().withPath(regular.resolve("d.sock"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, server::start);
    assertEquals(
        "the parent of the Unix socket path " + regular.resolve("d.sock") + " is not a directory: " + regular
            + "; choose a path in a directory, or leave the path out and Sockpuppet creates a private directory",
        error.getMessage());
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aBindTheSystemRefusesNamesThePath() {
    // /proc refuses new files to everyone, root included: the JDK's own message names no path.
    Path path = Path.of("/proc/sockpuppet-" + ProcessHandle.current().pid() + ".sock");
    UnixSocketServer server = UnixSocketServer.create().withName("refused").withPath(path);
    java.io.UncheckedIOException error = assertThrows(java.io.UncheckedIOException.class, server::start);
    assertEquals(
        "UnixSocketServer 'refused' could not start: cannot bind the Unix socket " + path + ": No such file or directory",
        error.getMessage());
    assertFalse(server.isRunning());
  }

  @Test
  void aPathSomethingListensOnIsNotTakenOver() {
    Path path = directory.resolve("busy.sock");
    try (UnixSocketServer first = UnixSocketServer.create().withPath(path).start()) {
      UnixSocketServer second = UnixSocketServer.create().withPath(path);
      IllegalStateException error = assertThrows(IllegalStateException.class, second::start);
      assertEquals(
          "something is listening on (or bound to) " + path + " already; stop it, or choose another path", error.getMessage());
      assertTrue(Files.exists(path), "the listener's socket file is left alone");
    }
  }

  @Test
  void aStaleSocketFileIsReplaced() throws IOException {
    Path path = directory.resolve("stale.sock");
    // A listener that closed without removing its file: what a crashed daemon leaves behind.
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(path));
    }
    assertTrue(Files.exists(path));
    try (UnixSocketServer server = UnixSocketServer.create().withPath(path).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("hi".getBytes()));
      server.awaitReceived("hi");
    }
    assertFalse(Files.exists(path), "the fake removes its socket file on stop");
  }

  @Test
  void aFileThatIsNotASocketIsNeverReplaced() throws IOException {
    Path path = Files.writeString(directory.resolve("config.sock"), "precious");
    UnixSocketServer server = UnixSocketServer.create().withPath(path);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, server::start);
    assertEquals(
        path + " already exists and is not a socket; Sockpuppet only replaces stale socket files."
            + " Remove it or choose another path",
        error.getMessage());
    assertEquals("precious", Files.readString(path));
  }

  @Test
  void addressAccessorsBeforeStartSayToCallStart() {
    TcpServer tcp = TcpServer.create().withName("api");
    UnixSocketServer unix = UnixSocketServer.create().withName("daemon");
    assertEquals(
        "TcpServer 'api'.port() is only known once the fake runs; call start() first",
        assertThrows(IllegalStateException.class, tcp::port).getMessage());
    assertEquals(
        "TcpServer 'api'.address() is only known once the fake runs; call start() first",
        assertThrows(IllegalStateException.class, tcp::address).getMessage());
    assertEquals(
        "TcpServer 'api'.hostAndPort() is only known once the fake runs; call start() first",
        assertThrows(IllegalStateException.class, tcp::hostAndPort).getMessage());
    assertEquals(
        "UnixSocketServer 'daemon'.path() is only known once the fake runs; call start() first",
        assertThrows(IllegalStateException.class, unix::path).getMessage());
    assertEquals(
        "UnixSocketServer 'daemon'.address() is only known once the fake runs; call start() first",
        assertThrows(IllegalStateException.class, unix::address).getMessage());
  }

  @Test
  void configurationAfterStartIsRefused() {
    try (TcpServer server = TcpServer.create().withName("api").start()) {
      IllegalStateException error =
          assertThrows(IllegalStateException.class, () -> server.withTimeout(Duration.ofSeconds(1)));
      assertEquals("withTimeout(…) configures TcpServer 'api' before start(); it is already running", error.getMessage());
    }
  }

  @Test
  void invalidOptionsAreRejectedWhereTheyAreGiven() {
    assertEquals(
        "permissions are written like \"rw-------\" (9 characters of r, w, x or -), got \"rw\"",
        assertThrows(IllegalArgumentException.class, () -> UnixSocketServer.create().withPermissions("rw")).getMessage());
    assertEquals(
        "timeout must be positive, got PT0S",
        assertThrows(IllegalArgumentException.class, () -> TcpServer.create().withTimeout(Duration.ZERO)).getMessage());
    assertEquals(
        "a TCP port is between 0 and 65535, got 70000",
        assertThrows(IllegalArgumentException.class, () -> TcpServer.create().withPort(70000)).getMessage());
    assertEquals(
        "the in-memory limit must not be negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> TcpServer.create().withMemoryLimit(-1)).getMessage());
    assertEquals(
        "an abstract socket name must be 1 to 107 bytes long, got 0 bytes: \"\"",
        assertThrows(IllegalArgumentException.class, () -> UnixSocketServer.create().withAbstractName("")).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class,
                () -> TcpServer.create().withBindAddress(java.net.InetAddress.getByAddress(new byte[] {10, 0, 0, 1})))
            .getMessage()
            .endsWith("10.0.0.1 is not a loopback address"));
  }

  @Test
  void aBusyFixedPortFailsWithTheAddress() {
    try (TcpServer first = TcpServer.create().start()) {
      TcpServer second = TcpServer.create().withName("second").withPort(first.port());
      java.io.UncheckedIOException error = assertThrows(java.io.UncheckedIOException.class, second::start);
      assertTrue(
          error.getMessage().startsWith("TcpServer 'second' could not start: cannot bind 127.0.0.1:" + first.port()),
          error.getMessage());
    }
  }
}
