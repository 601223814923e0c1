package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class WaitAndAssertTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  @Test
  void aTimedOutWaitNamesTheServerWhatWasAwaitedAndWhatArrived() throws Exception {
    try (TcpServer server = TcpServer.create().withName("api").withTimeout(SHORT).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("HELO\r\n".getBytes());
      server.awaitReceived("HELO");
      AssertionFailedError error = assertThrows(AssertionFailedError.class, () -> server.awaitReceivedLine("QUIT"));
      assertEquals(
          "timed out after 300 ms waiting for TcpServer 'api' to receive the line \"QUIT\"; on its only connection, #0,"
              + " it received 6 bytes, as text:\n"
              + "00000000  \"HELO\\r\\n\"\n"
              + "as hex:\n"
              + "00000000  48 45 4c 4f 0d 0a                                 |HELO..|\n"
              + "nearest line, on connection #0: line 1 (offset 0) differs at column 1\n"
              + "  expected: \"QUIT\"\n"
              + "  nearest : \"HELO\"\n"
              + "             ^\n",
          error.getMessage());
    }
  }

  @Test
  void waitingForAConnectionThatNeverComesSaysHowManyArrived() {
    try (UnixSocketServer server = UnixSocketServer.create().withName("daemon").withTimeout(SHORT).start()) {
      AssertionFailedError error = assertThrows(AssertionFailedError.class, server::awaitConnection);
      assertEquals(
          "timed out after 300 ms waiting for UnixSocketServer 'daemon' to accept a connection; it accepted 0",
          error.getMessage());
    }
  }

  @Test
  void aConnectionWaitShowsTheConnectionsOwnBytes() throws Exception {
    try (TcpServer server = TcpServer.create().withName("api").withTimeout(SHORT).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write(new byte[] {0, 1, 2});
      Connection connection = server.awaitReceived(Bytes.ofHex("000102"));
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class, () -> connection.awaitReceived(Bytes.ofHex("ff")));
      assertEquals(
          "timed out after 300 ms waiting for TcpServer 'api' connection #0 to receive \"\\xff\"; it received 3 bytes:\n"
              + "00000000  00 01 02                                          |...|\n"
              + "as text:\n"
              + "00000000  \"\\x00\\x01\\x02\"\n",
          error.getMessage());
    }
  }

  @Test
  void aByteMismatchShowsTheOffsetAWindowAndDiffableDumps() throws Exception {
    try (TcpServer server = TcpServer.create().withName("api").start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("GET /users/42 HTTP/1.1\r\n".getBytes());
      Connection connection = server.awaitReceived("\r\n");
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class,
              () -> assertThat(connection).receivedExactly("GET /users/43 HTTP/1.1\r\n"));
      assertEquals(
          "TcpServer 'api' connection #0 received bytes that differ from the expected at offset 12, line 1 column 13"
              + " (expected 24 bytes, received 24 bytes)\n"
              + "  expected: \"GET /users/43 HTTP/1.1\\r\\n\"\n"
              + "  received: \"GET /users/42 HTTP/1.1\\r\\n\"\n"
              + "                         ^\n"
              + "expected, as hex:\n"
              + "00000000  47 45 54 20 2f 75 73 65  72 73 2f 34 33 20 48 54  |GET /users/43 HT|\n"
              + "                                               ^^                        ^\n"
              + "00000010  54 50 2f 31 2e 31 0d 0a                           |TP/1.1..|\n"
              + "received, as hex:\n"
              + "00000000  47 45 54 20 2f 75 73 65  72 73 2f 34 32 20 48 54  |GET /users/42 HT|\n"
              + "                                               ^^                        ^\n"
              + "00000010  54 50 2f 31 2e 31 0d 0a                           |TP/1.1..|\n",
          error.getMessage());
      assertTrue(error.isExpectedDefined() && error.isActualDefined());
      assertTrue(error.getExpected().getStringRepresentation().startsWith("00000000  \"GET /users/43 HTTP/1.1\\r\\n\"\n"
          + "00000000  47 45 54"), error.getExpected().getStringRepresentation());
    }
  }

  @Test
  void eventuallyWaitsForBytesThatArriveLater() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().start();
        SocketChannel client = SocketChannel.open(server.address())) {
      CountDownLatch firstAsserted = new CountDownLatch(1);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          assertTrue(firstAsserted.await(10, TimeUnit.SECONDS));
          client.write(ByteBuffer.wrap("late\n".getBytes()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(server).eventually().hasConnectionCount(1);
      assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedLines("late"));
      firstAsserted.countDown();
      assertThat(server).eventually().receivedLines("late");
      writer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void eventuallyFailsWithTheLastFailureAfterTheBound() throws Exception {
    try (TcpServer server = TcpServer.create().withName("api").start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("ab".getBytes());
      server.awaitReceived("ab");
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class, () -> assertThat(server).within(SHORT).receivedExactly("abc"));
      assertTrue(
          error.getMessage().startsWith("still failing after waiting 300 ms: TcpServer 'api' connection #0 received bytes that differ"
              + " from the expected at offset 2, line 1 column 3 (expected 3 bytes, received 2 bytes)"),
          error.getMessage());
    }
  }

  @Test
  void theTestThreadReadsSafelyWhileAConnectionRecords() throws Exception {
    try (TcpServer server = TcpServer.create().start();
        SocketChannel client = SocketChannel.open(server.address())) {
      byte[] block = new byte[4096];
      for (int i = 0; i < block.length; i++) {
        block[i] = (byte) i;
      }
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < 2048; i++) {
            ByteBuffer buffer = ByteBuffer.wrap(block);
            while (buffer.hasRemaining()) {
              client.write(buffer);
            }
          }
          client.shutdownOutput();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Connection connection = server.awaitConnection();
      long previous = 0;
      // Bounded: if the writer fails, the connection ends (reset or closed) or the deadline passes.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!connection.isPeerHalfClosed() && connection.isOpen() && System.nanoTime() < deadline) {
        Bytes snapshot = connection.received();
        assertTrue(snapshot.size() >= previous, "recordings only grow");
        long check = snapshot.size() - 1;
        if (check >= 0) {
          assertEquals((byte) (check % 4096), snapshot.byteAt(check), "every snapshot is a consistent prefix");
        }
        previous = snapshot.size();
      }
      writer.get(10, TimeUnit.SECONDS);
      assertEquals(2048L * 4096, connection.received().size());
    }
  }

  @Test
  void takeConnectionHandsOutEachConnectionOnceInAcceptOrder() throws Exception {
    try (TcpServer server = TcpServer.create().withName("queue").withTimeout(SHORT).start()) {
      try (Socket first = new Socket("127.0.0.1", server.port())) {
        first.getOutputStream().write("one".getBytes());
        assertEquals("one", server.takeConnection().awaitReceived("one").received().text());
        try (Socket second = new Socket("127.0.0.1", server.port())) {
          second.getOutputStream().write("two".getBytes());
          Connection taken = server.takeConnection();
          assertEquals(1, taken.index());
          taken.awaitReceived("two");
        }
      }
      AssertionFailedError error = assertThrows(AssertionFailedError.class, server::takeConnection);
      assertEquals(
          "timed out after 300 ms waiting for TcpServer 'queue' to accept connection #2 (the next one takeConnection()"
              + " hands out); it accepted 2",
          error.getMessage());
      try (Socket third = new Socket("127.0.0.1", server.port())) {
        assertEquals(2, server.takeConnection().index(), "a timed-out take hands out the same connection next time");
      }
    }
  }

  @Test
  void nothingReceivedOrSentIsAssertedPerConnectionAndFailsWithWhatCrossed() throws Exception {
    try (TcpServer server = TcpServer.create().withName("quiet").withResponder(Responder.echo()).start()) {
      try (Socket silent = new Socket("127.0.0.1", server.port())) {
        assertThat(server).eventually().hasConnectionCount(1);
        assertThat(server).receivedNothing().sentNothing();
        assertThat(server.connection(0)).receivedNothing().sentNothing();
        try (Socket talker = new Socket("127.0.0.1", server.port())) {
          talker.getOutputStream().write("hi".getBytes());
          talker.getInputStream().readNBytes(2);
        }
        AssertionFailedError error = assertThrows(AssertionFailedError.class, () -> assertThat(server).sentNothing());
        assertEquals(
            "TcpServer 'quiet' connection #1 was expected to have sent nothing, but sent 2 bytes, as text:\n"
                + "00000000  \"hi\"\n"
                + "as hex:\n"
                + "00000000  68 69                                             |hi|\n",
            error.getMessage());
      }
    }
  }

  @Test
  void wasResetByTellsWhichSideResetAndSaysWhatHappenedInstead() throws Exception {
    try (TcpServer server = TcpServer.create().withName("rst").start()) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.setSoLinger(true, 0);
      }
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).wasResetBy(ConnectionEvent.Side.PEER);
      assertEquals(java.util.Optional.of(ConnectionEvent.Side.PEER), connection.resetBy());
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class, () -> assertThat(connection).wasResetBy(ConnectionEvent.Side.FAKE));
      assertTrue(error.getMessage().startsWith("TcpServer 'rst' connection #0 is not reset by the fake; its events are"
          + " [opened, reset by peer"), error.getMessage());
    }
  }

  @Test
  void aConnectionRecordsBothAddressesAndItsWallClockStart() throws Exception {
    java.time.Instant before = java.time.Instant.now();
    try (TcpServer server = TcpServer.create().start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      Connection connection = server.awaitConnection();
      assertEquals(server.address(), connection.localAddress());
      assertEquals(client.getLocalSocketAddress(), connection.peerAddress());
      assertFalse(connection.openedAt().isBefore(before.minusMillis(1)));
      assertFalse(server.traffic().startedAt().isAfter(connection.openedAt()));
    }
  }

  @Test
  void socketFilesAreOwnerOnlyByDefaultAndConfigurable() throws Exception {
    try (UnixSocketServer owner = UnixSocketServer.create().start();
        UnixSocketServer group = UnixSocketServer.create().withPermissions("rw-rw----").start()) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(owner.path())));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(owner.path().getParent())));
      assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(group.path())));
      assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(group.path().getParent())));
      assertTrue(owner.path().toString().length() < 80, "short enough for sun_path: " + owner.path());
    }
  }

  @Test
  void transcriptsShowEventsArrowsAndDumps() throws Exception {
    try (TcpServer server = TcpServer.create().withName("echo").withResponder(Responder.echo()).start()) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write("hi".getBytes());
        client.getInputStream().readNBytes(2);
      }
      server.awaitConnection().awaitClosed();
      String transcript = server.traffic().transcript().replaceAll(" +\\+\\d+\\.\\d{3}ms", " +T").replaceAll(":\\d+", ":PORT");
      assertEquals(
          "TcpServer 'echo'\n"
              + "TcpServer 'echo' connection #0 from /127.0.0.1:PORT: received 2 bytes in 1 chunk, sent 2 bytes in 1 chunk;"
              + " closed by fake\n"
              + " +T  opened\n"
              + " +T  <- 2 B at 0  \"hi\"\n"
              + " +T  -> 2 B at 0  \"hi\"\n"
              + " +T  peer shut down its output\n"
              + " +T  closed by fake\n",
          transcript);
    }
  }
}
