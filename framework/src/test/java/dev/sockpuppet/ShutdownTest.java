package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.engine.Joiner;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/** close() is bounded whatever the client or the handler does, and handler errors reach the test. */
class ShutdownTest {
  /**
   * A stop that hangs would never return; one that merely runs slow on a loaded two-core machine
   * (the grace period for stuck threads is 1 s) must not fail the test. Ten times the grace tells
   * the two apart.
   */
  private static final Duration BOUND = Joiner.GRACE.multipliedBy(10);

  @Test
  void closeReturnsPromptlyWhileAClientHoldsTheConnectionAndTheHandlerIsBlockedInARead() throws Exception {
    CountDownLatch handlerReading = new CountDownLatch(1);
    TcpServer server =
        TcpServer.create()
            .withName("stuck-read")
            .withTimeout(Duration.ofMinutes(5))
            .withHandler(connection -> {
              handlerReading.countDown();
              connection.readLine(); // the client never sends a line
            })
            .start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      assertTrue(handlerReading.await(10, TimeUnit.SECONDS), "the handler started reading");
      assertTimeoutPreemptively(BOUND, server::close);
      InputStream in = client.getInputStream();
      assertEquals(-1, in.read(), "the client sees the connection end");
    }
    assertFalse(server.isRunning());
    assertEquals("the fake stopped", server.connection(0).events().get(1).detail());
  }

  @Test
  void closeReturnsPromptlyWhileAHandlerWaitsInItsOwnCode() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch waiting = new CountDownLatch(1);
    UnixSocketServer server =
        UnixSocketServer.create()
            .withHandler(connection -> {
              waiting.countDown();
              never.await(); // interruptible: close() interrupts handler threads
            })
            .start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      assertTrue(waiting.await(10, TimeUnit.SECONDS));
      assertTimeoutPreemptively(BOUND, server::close);
    }
  }

  @Test
  void aHandlerThatIgnoresInterruptsIsReportedByNameWithoutHangingClose() throws Exception {
    AtomicBoolean release = new AtomicBoolean();
    CountDownLatch spinning = new CountDownLatch(1);
    TcpServer server =
        TcpServer.create()
            .withName("spinner")
            .withHandler(connection -> {
              spinning.countDown();
              while (!release.get()) {
                Thread.onSpinWait();
              }
            })
            .start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      assertTrue(spinning.await(10, TimeUnit.SECONDS));
      AssertionFailedError error = assertTimeoutPreemptively(BOUND, () -> assertThrows(AssertionFailedError.class, server::close));
      assertTrue(
          error.getMessage().contains("thread 'sockpuppet-spinner-conn-0' did not stop"),
          error.getMessage());
    } finally {
      release.set(true);
    }
  }

  @Test
  void aClientThatNeverReadsCannotBlockCloseWithAFullSendBuffer() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    TcpServer server =
        TcpServer.create()
            .withHandler(connection -> {
              writing.countDown();
              byte[] block = new byte[64 * 1024];
              while (true) {
                connection.write(block); // blocks once the client's receive buffer is full
              }
            })
            .start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      assertTrue(writing.await(10, TimeUnit.SECONDS));
      assertTimeoutPreemptively(BOUND, server::close);
    }
  }

  @Test
  void aSecondStopWaitsUntilTheFirstHasFinishedCleaningUp() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UnixSocketServer server =
        UnixSocketServer.create().withName("double-stop").withHandler(connection -> {
          started.countDown();
          // Swallows the stop's interrupt and keeps waiting, like careless user code; bounded,
          // because the test releases it.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (System.nanoTime() < deadline) {
            try {
              if (release.await(1, TimeUnit.SECONDS)) {
                return;
              }
            } catch (InterruptedException e) {
              interrupted.countDown();
            }
          }
        }).start();
    java.nio.file.Path path = server.path();
    java.util.concurrent.CompletableFuture<Throwable> first = new java.util.concurrent.CompletableFuture<>();
    Thread stopper = new Thread(() -> {
      try {
        server.stop();
        first.complete(null);
      } catch (Throwable e) {
        first.complete(e);
      }
    }, "test-first-stop");
    try (SocketChannel client = SocketChannel.open(server.address())) {
      assertTrue(started.await(10, TimeUnit.SECONDS));
      stopper.start();
      // The first stop interrupts the handler, which keeps waiting: the first stop is under way.
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the first stop interrupted the handler");
      assertTimeoutPreemptively(BOUND, server::stop);
      assertFalse(java.nio.file.Files.exists(path), "the second stop returns once the first has cleaned up");
      Throwable report = first.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(report instanceof AssertionFailedError error
              && error.getMessage().contains("thread 'sockpuppet-double-stop-conn-0' did not stop"),
          "the first stop reports the handler that ignored it: " + report);
    } finally {
      release.countDown();
      stopper.join(BOUND.toMillis());
    }
  }

  /** The three kinds of channel a stream server uses: TCP, the JDK's Unix channels, junixsocket's. */
  enum Channels {
    TCP(() -> TcpServer.create()),
    JDK_UNIX(() -> UnixSocketServer.create()),
    JUNIXSOCKET_UNIX(() -> UnixSocketServer.create().withPeerCredentials());

    private final java.util.function.Supplier<StreamServer> servers;

    Channels(java.util.function.Supplier<StreamServer> servers) {
      this.servers = servers;
    }
  }

  @ParameterizedTest
  @EnumSource(Channels.class)
  void closeEndsBlockedReadsAndStalledEchoWritesOnEveryKindOfChannel(Channels channels) throws Exception {
    StreamServer configured = channels.servers.get();
    if (configured instanceof TcpServer tcp) {
      tcp.withName("echo").withTimeout(Duration.ofMillis(500)).withResponder(Responder.echo());
    } else if (configured instanceof UnixSocketServer unix) {
      unix.withName("echo").withTimeout(Duration.ofMillis(500)).withResponder(Responder.echo());
    }
    StreamServer server = configured.start();
    try (SocketChannel idle = SocketChannel.open(server.address());
        SocketChannel flooding = SocketChannel.open(server.address())) {
      // One connection sends a lot and never reads: its echo stalls and must be reset.
      Thread flood = new Thread(() -> {
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        try {
          for (int i = 0; i < 1024; i++) {
            flooding.write(block.clear());
          }
        } catch (IOException e) {
          // reset by the fake: expected
        }
      }, "test-flood-" + channels);
      flood.setDaemon(true);
      flood.start();
      server.awaitConnections(2);
      Connection stalled = server.connections().stream().filter(c -> !c.received().isEmpty()).findFirst()
          .orElseGet(() -> server.awaitReceived("anything", bytes -> !bytes.isEmpty()));
      org.awaitility.Awaitility.await("the stalled echo to be reset").atMost(BOUND).until(stalled::wasReset);
      // The other connection waits in a blocking read, which close() must end.
      AssertionFailedError error = assertTimeoutPreemptively(BOUND, () -> assertThrows(AssertionFailedError.class, server::close));
      assertTrue(error.getMessage().startsWith("UnixSocketServer 'echo' had 1 problem:\n  1.")
              || error.getMessage().startsWith("TcpServer 'echo' had 1 problem:\n  1."),
          "only the stall is reported, no stuck thread: " + error.getMessage());
      assertTrue(error.getMessage().contains("stalled after"), error.getMessage());
      flood.join(BOUND.toMillis());
      assertTrue(server.connections().stream().allMatch(Connection::isClosed));
    }
  }

  @Test
  void anExceptionInAHandlerIsRethrownByVerifyAndClose() throws Exception {
    IllegalStateException bug = new IllegalStateException("handler bug");
    TcpServer server =
        TcpServer.create()
            .withName("buggy")
            .withHandler(connection -> {
              connection.readLine();
              throw bug;
            })
            .start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("go\n".getBytes()));
    }
    Connection connection = server.awaitConnection().awaitClosed();
    assertTrue(connection.wasReset(), "a failing handler resets its connection");
    AssertionFailedError verified = assertThrows(AssertionFailedError.class, server::verify);
    assertEquals(
        "TcpServer 'buggy' had 1 problem:\n"
            + "  1. the handler of TcpServer 'buggy' connection #0 failed: java.lang.IllegalStateException: handler bug",
        verified.getMessage());
    assertEquals(bug, verified.getCause());
    AssertionFailedError closed = assertThrows(AssertionFailedError.class, server::close);
    assertEquals(verified.getMessage(), closed.getMessage());
    server.close(); // idempotent: the second close neither hangs nor throws
  }

  @Test
  void aHandlerReadTimesOutWithWhatArrived() throws Exception {
    TcpServer server =
        TcpServer.create()
            .withName("slow-client")
            .withHandler(connection -> connection.readTimeout(Duration.ofMillis(200)).readLine())
            .start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("no newline".getBytes()));
      server.awaitConnection().awaitClosed();
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(
        error.getMessage().contains("TcpServer 'slow-client' connection #0: timed out after 200 ms waiting for a line;"
            + " unread: 10 bytes, as text:\n00000000  \"no newline\"\nas hex:\n00000000  6e 6f 20 6e 65 77 6c 69  6e 65"),
        error.getMessage());
  }

  @Test
  void manyOpenConnectionsCloseWithoutFalseStuckReports() throws Exception {
    int count = 500;
    java.util.List<SocketChannel> clients = new java.util.ArrayList<>();
    TcpServer server = TcpServer.create().withResponder(Responder.echo()).start();
    try {
      for (int i = 0; i < count; i++) {
        clients.add(SocketChannel.open(server.address()));
      }
      server.awaitConnections(count);
      server.close(); // throws if any of the 1,001 threads were reported stuck
      for (Connection connection : server.connections()) {
        assertTrue(connection.isClosed(), connection + " is closed");
      }
    } finally {
      for (SocketChannel client : clients) {
        client.close();
      }
    }
  }

  @Test
  void stopIsIdempotentAndARestartBeginsAFreshRecording() throws IOException {
    UnixSocketServer server = UnixSocketServer.create().start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("first run".getBytes()));
      server.awaitReceived("first run");
    }
    server.stop();
    server.stop();
    server.close();
    assertFalse(server.isRunning());
    assertEquals("first run", server.connection(0).received().text(), "the recording stays readable after close");

    server.start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("second run".getBytes()));
      server.awaitReceived("second run");
    }
    assertEquals(1, server.connections().size(), "the second run records afresh");
    assertEquals("second run", server.connection(0).received().text());
    server.close();
    assertTrue(java.nio.file.Files.notExists(server.path()), "the socket file of the second run is gone too");
  }

  @Test
  void startIsIdempotentWhileRunning() {
    try (TcpServer server = TcpServer.create().start()) {
      int port = server.port();
      assertEquals(port, server.start().port());
    }
  }
}
