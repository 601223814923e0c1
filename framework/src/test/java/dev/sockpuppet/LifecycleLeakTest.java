package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Starts and stops thousands of servers and checks that file descriptors, threads and socket files
 * are back where they started. Isolated, because other tests running alongside would move the
 * counts.
 */
@Isolated("counts the process's file descriptors and threads")
class LifecycleLeakTest {
  private static final int CYCLES = 10_000;

  /**
   * The servers' base directory: private to this test, so that other processes' fakes in /tmp
   * (other builds on the same machine) do not count.
   */
  @TempDir static Path base;

  @Test
  void tcpServersLeaveNothingBehind() {
    assertNoLeaks(() -> TcpServer.create().withName("leak"));
  }

  @Test
  void unixSocketServersLeaveNothingBehind() {
    assertNoLeaks(() -> UnixSocketServer.create().withName("leak").withBaseDirectory(base));
  }

  @Test
  void unixSocketServersInTheProcessDirectoryLeaveNothingBehind() {
    assertNoLeaks(() -> UnixSocketServer.create().withName("leak"));
  }

  @Test
  void unixSocketServersWithConnectionsLeaveNothingBehind() throws IOException {
    // Fewer cycles: each one also opens a client connection and waits for it to be recorded.
    Snapshot before = null;
    for (int i = 0; i < 1_100; i++) {
      if (i == 100) {
        before = Snapshot.take();
      }
      try (UnixSocketServer server = UnixSocketServer.create().withBaseDirectory(base).withResponder(Responder.echo()).start();
          var client = java.nio.channels.SocketChannel.open(server.address())) {
        client.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        server.awaitReceived(Bytes.of(new byte[] {1, 2, 3}));
      }
    }
    assertEquals(before, Snapshot.take());
  }

  @Test
  void handlerConnectionsLeaveNothingBehind() throws IOException {
    // A handler's connection also holds selectors; they must go with it.
    Snapshot before = null;
    for (int i = 0; i < 1_100; i++) {
      if (i == 100) {
        before = Snapshot.take();
      }
      try (TcpServer server = TcpServer.create().withHandler(c -> c.write(c.readExactly(3))).start();
          var client = java.nio.channels.SocketChannel.open(server.address())) {
        client.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        java.nio.ByteBuffer echo = java.nio.ByteBuffer.allocate(3);
        while (echo.hasRemaining() && client.read(echo) >= 0) {
          // read the echo fully, so the handler has written before the server stops
        }
      }
    }
    assertEquals(before, Snapshot.take());
  }

  private static void assertNoLeaks(Supplier<StreamServer> servers) {
    // The first cycles load classes and open the JDK's lazily created descriptors; count after them.
    for (int i = 0; i < 100; i++) {
      cycle(servers);
    }
    Snapshot before = Snapshot.take();
    for (int i = 0; i < CYCLES; i++) {
      cycle(servers);
    }
    assertEquals(before, Snapshot.take());
  }

  private static void cycle(Supplier<StreamServer> servers) {
    StreamServer server = servers.get().start();
    server.address();
    server.stop();
  }

  /** File descriptors, live Sockpuppet threads by name, and the files in the socket directories. */
  private record Snapshot(int fileDescriptors, List<String> threads, Set<String> files) {
    static Snapshot take() {
      Set<String> files = new java.util.HashSet<>(entries(base));
      try {
        files.addAll(entries(dev.sockpuppet.internal.UnixSocketPaths.processDirectory()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Snapshot(count(Paths.get("/proc/self/fd")), threadNames(), files);
    }

    private static List<String> threadNames() {
      List<String> names = new ArrayList<>();
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.isAlive() && thread.getName().startsWith("sockpuppet-")) {
          names.add(thread.getName());
        }
      }
      names.sort(null);
      return names;
    }

    private static Set<String> entries(Path directory) {
      return list(directory).map(Path::toString).collect(Collectors.toSet());
    }

    private static Stream<Path> list(Path directory) {
      try (Stream<Path> entries = Files.list(directory)) {
        return entries.collect(Collectors.toList()).stream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static int count(Path directory) {
      return (int) list(directory).count();
    }
  }
}
