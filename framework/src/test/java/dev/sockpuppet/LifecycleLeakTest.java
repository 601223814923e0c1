package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.fifo.FifoPair;
import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Starts and stops thousands of servers and checks that file descriptors, threads and socket files
 * are back where they started. Isolated, because other tests running alongside would move the
 * counts.
 */
@Isolated("counts the process's file descriptors and threads")
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
class LifecycleLeakTest {
  private static final int CYCLES = 10_000;
  /**
   * Descriptors the JVM may open on its own meanwhile (JIT, class files, its own selectors). A leak
   * per cycle shows as thousands here, or hundreds in the connection tests.
   */
  private static final int JVM_NOISE = 10;

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
  void udpServersLeaveNothingBehind() {
    assertNoLeaks(() -> dev.sockpuppet.datagram.UdpServer.create().withName("leak"), 2_000);
  }

  @Test
  void unixDatagramServersLeaveNothingBehind() {
    assertNoLeaks(() -> dev.sockpuppet.datagram.UnixDatagramServer.create().withName("leak").withBaseDirectory(base), 2_000);
  }

  @Test
  void syslogServersOnEveryTransportLeaveNothingBehind() {
    dev.sockpuppet.syslog.SyslogTransport[] transports = dev.sockpuppet.syslog.SyslogTransport.values();
    int[] next = {0};
    assertNoLeaks(() -> {
      dev.sockpuppet.syslog.SyslogTransport transport = transports[next[0]++ % transports.length];
      dev.sockpuppet.syslog.SyslogServer syslog = dev.sockpuppet.syslog.SyslogServer.create(transport).withName("leak");
      return transport.isUnix() ? syslog.withBaseDirectory(base) : syslog;
    }, 2_000);
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
    before.assertSameAs(Snapshot.take());
  }

  @Test
  void handlerConnectionsResetByThePeerLeaveNothingBehind() throws Exception {
    peerResetsLeaveNothingBehind(TcpServer.create().withName("reset-handler").withHandler(c -> c.readToEnd()));
  }

  @Test
  void responderConnectionsResetByThePeerLeaveNothingBehind() throws Exception {
    peerResetsLeaveNothingBehind(TcpServer.create().withName("reset-echo").withResponder(Responder.echo()));
  }

  /** 100 connections that the program resets (RST) after the fake read their byte. */
  private static void peerResetsLeaveNothingBehind(TcpServer configured) throws Exception {
    try (TcpServer warmUp = TcpServer.create().withHandler(c -> c.readToEnd()).start()) {
      resetConnections(warmUp, 5);
    }
    Snapshot before = Snapshot.take();
    try (TcpServer server = configured.start()) {
      resetConnections(server, 100);
      Snapshot running = Snapshot.take();
      assertTrue(running.fileDescriptors() <= before.fileDescriptors() + JVM_NOISE,
          "every reset connection let its descriptor go while the server runs: " + before + " then " + running);
    }
    before.assertSameAs(Snapshot.take());
  }

  private static void resetConnections(TcpServer server, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write('x');
        // The fake has read (and recorded) the byte before the reset, so it surely sees ECONNRESET.
        server.awaitConnections(i + 1).get(i).awaitReceived("x");
        client.setSoLinger(true, 0);
      }
      server.connection(i).awaitClosed();
      assertTrue(server.connection(i).wasReset(), server.connection(i).events().toString());
    }
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
    before.assertSameAs(Snapshot.take());
  }

  @Test
  void connectionsClosedWhileAFaultPausesLeaveNothingBehind() throws IOException {
    Duration minute = Duration.ofMinutes(1);
    List<Fault> faults = List.of(Fault.latency(minute), Fault.stall(), Fault.slice(1, minute), Fault.bandwidth(1),
        Fault.latency(minute).fromProgram(), Fault.stall().fromProgram());
    Snapshot before = null;
    for (int i = 0; i < 240; i++) {
      if (i == 40) {
        before = Snapshot.take();
      }
      Fault fault = faults.get(i % faults.size());
      StreamServer server = i % 2 == 0
          ? TcpServer.create().withName("leak-fault").withResponder(Responder.reply("xy")).withFault(fault).start()
          : UnixSocketServer.create().withName("leak-fault").withBaseDirectory(base).withResponder(Responder.reply("xy"))
              .withFault(fault).start();
      try (server; var client = java.nio.channels.SocketChannel.open(server.address())) {
        client.write(java.nio.ByteBuffer.wrap(new byte[] {'g', 'o'}));
        FaultTest.awaitPausedInAFault("sockpuppet-leak-fault-conn-0");
      }
    }
    before.assertSameAs(Snapshot.take());
  }

  private static void assertNoLeaks(Supplier<? extends FakeServer> servers) {
    assertNoLeaks(servers, CYCLES);
  }

  private static void assertNoLeaks(Supplier<? extends FakeServer> servers, int cycles) {
    assertNoLeaks(() -> cycle(servers), 100, cycles);
  }

  private static void assertNoLeaks(Runnable cycle, int warmUp, int cycles) {
    // The first cycles load classes and open the JDK's lazily created descriptors; count after them.
    for (int i = 0; i < warmUp; i++) {
      cycle.run();
    }
    Snapshot before = Snapshot.take();
    for (int i = 0; i < cycles; i++) {
      cycle.run();
    }
    before.assertSameAs(Snapshot.take());
  }

  @Test
  void fifoPairsNobodyOpensLeaveNothingBehind() {
    ExternalTools.require("mkfifo");
    // A send waits for the program, which never comes, until the stop ends it.
    assertNoLeaks(() -> {
      FifoPair pair = FifoPair.create().withName("leak").withBaseDirectory(base).start();
      pair.stop();
    }, 20, 300);
  }

  @Test
  void fifoPairsWithAProgramLeaveNothingBehind() {
    ExternalTools.require("mkfifo");
    assertNoLeaks(() -> {
      try (FifoPair pair = FifoPair.create().withName("leak").withBaseDirectory(base).start()) {
        Process cat = new ProcessBuilder("sh", "-c", "cat < \"$0\" > \"$1\"", pair.toProgram().toString(), pair.fromProgram().toString())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        pair.sendLine("hello").awaitReceivedLine("hello").sendEof().awaitProgramClosed();
        assertTrue(cat.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }, 10, 100);
  }

  private static void cycle(Supplier<? extends FakeServer> servers) {
    FakeServer server = servers.get().start();
    server.address();
    server.stop();
  }

  /** File descriptors, live Sockpuppet threads by name, and the files in the socket directories. */
  private record Snapshot(int fileDescriptors, List<String> threads, Set<String> files) {
    /**
     * The state once the shared I/O watchdog ended: it stops at its first tick without
     * connections to watch, so it is never part of a snapshot.
     */
    static Snapshot take() {
      try {
        Awaitility.await("the I/O watchdog to end").atMost(Duration.ofSeconds(10))
            .until(() -> threadNames().stream().noneMatch(name -> name.equals("sockpuppet-io-watchdog")));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("the I/O watchdog still runs 10 s after the fakes stopped: it watches every open"
            + " blocking connection, so some connection was never closed (a descriptor leak)", e);
      }
      Set<String> files = new HashSet<>(entries(base));
      try {
        files.addAll(entries(dev.sockpuppet.internal.UnixSocketPaths.processDirectory()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Snapshot(count(Paths.get("/proc/self/fd")), threadNames(), files);
    }

    void assertSameAs(Snapshot after) {
      assertEquals(threads, after.threads, "live Sockpuppet threads");
      assertEquals(files, after.files, "files in the socket directories");
      assertTrue(after.fileDescriptors <= fileDescriptors + JVM_NOISE,
          "open file descriptors: " + fileDescriptors + " before, " + after.fileDescriptors + " after");
    }

    private static List<String> threadNames() {
      List<String> names = new ArrayList<>();
      // Virtual connection threads (Java 21+) are in the library's registry only.
      Set<Thread> all = new HashSet<>(Thread.getAllStackTraces().keySet());
      all.addAll(Threads.live());
      for (Thread thread : all) {
        // The accepting thread is shared by every fake in the JVM (other test classes' too, in
        // parallel) and outlives the last one by design; its own tests are in SharedAcceptorTest.
        if (thread.isAlive() && thread.getName().startsWith("sockpuppet-") && !thread.getName().equals("sockpuppet-acceptor")) {
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
