package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The recording holds exactly what crossed, whatever the program does: bytes that did not leave are
 * not in {@code sent()}, a fake that cannot write says so, errors on a fake's threads are reported,
 * and checks on a whole fake never join connections. Each test here failed before the rewrite of
 * the core (issue 7, items 2, 3, 7 and 8).
 */
class RecordingTruthTest {
  private static final Duration SHORT = Duration.ofMillis(500);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aWriteAfterThePeerResetSendsNothingAndRecordsTheBytesAsUndelivered() throws Exception {
    CountDownLatch byteRead = new CountDownLatch(1);
    AtomicReference<Throwable> writeError = new AtomicReference<>();
    TcpServer server =
        TcpServer.create().withName("never-delivered").withHandler(c -> {
          c.readExactly(1);
          byteRead.countDown();
          c.readToEnd(); // returns once the reset is recorded
          try {
            c.write("never delivered");
          } catch (IOException e) {
            writeError.set(e);
          }
        }).start();
    try (server) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write('x');
        assertTrue(byteRead.await(10, TimeUnit.SECONDS), "the handler read the byte");
        client.setSoLinger(true, 0);
      }
      Connection connection = server.awaitConnection().awaitClosed();
      Awaitility.await("the handler's write to fail").atMost(WAIT).until(() -> writeError.get() != null);
      assertThat(connection).sentNothing().wasResetBy(Side.PEER);
      assertEquals(
          "TcpServer 'never-delivered' connection #0: nothing was sent, because the connection was reset by the peer",
          writeError.get().getMessage());
      ConnectionEvent undelivered = last(connection.events());
      assertEquals(Kind.UNDELIVERED, undelivered.kind());
      assertEquals(15, undelivered.bytes());
      assertEquals(15, connection.undeliveredBytes());
    }
  }

  @Test
  void aWriteThatFailsPartWayRecordsExactlyWhatLeft() throws Exception {
    int payload = 32 * 1024 * 1024;
    AtomicReference<Throwable> writeError = new AtomicReference<>();
    CountDownLatch written = new CountDownLatch(1);
    TcpServer server =
        TcpServer.create().withName("part-way").withHandler(c -> {
          try {
            c.write(new byte[payload]);
          } catch (IOException e) {
            writeError.set(e);
          } finally {
            written.countDown();
          }
        }).start();
    try (server) {
      long read;
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.setSoTimeout(10_000);
        read = readAtLeast(client.getInputStream(), 64 * 1024);
        client.setSoLinger(true, 0);
      }
      assertTrue(written.await(20, TimeUnit.SECONDS), "the handler's write ended");
      Connection connection = server.awaitConnection().awaitClosed();
      long sent = connection.sent().size();
      assertTrue(sent >= read && sent < payload, "sent " + sent + " of " + payload + "; the client read " + read);
      assertEquals(payload, sent + connection.undeliveredBytes(), "what left plus what did not is the payload");
      ConnectionEvent undelivered =
          connection.events().stream().filter(e -> e.kind() == Kind.UNDELIVERED).findFirst().orElseThrow();
      assertEquals(payload - sent, undelivered.bytes());
      assertTrue(undelivered.detail().startsWith("the write failed: "), undelivered.detail());
      assertEquals(List.of(sent), connection.chunks(Direction.SENT).stream().map(Chunk::size).toList(),
          "the chunk of the write holds what left");
      assertInstanceOf(IOException.class, writeError.get());
      assertThat(connection).wasResetBy(Side.PEER);
    }
  }

  @Test
  void afterReplyAndCloseLaterLinesAreRecordedButNotAnswered() throws Exception {
    LineRules rules = LineRules.create().when("QUIT").replyAndClose("BYE").when("PING").reply("PONG");
    try (TcpServer server = TcpServer.create().withName("quit").withResponder(Responder.lines(rules)).start()) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write("QUIT\nPING\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("BYE\n", readToEnd(client.getInputStream()), "the client reads BYE and end-of-stream");
        client.getOutputStream().write("PING\n".getBytes(StandardCharsets.US_ASCII));
      }
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).receivedExactly("QUIT\nPING\nPING\n").sentExactly("BYE\n").isFakeHalfClosed();
      assertEquals(0, connection.undeliveredBytes(), "nothing was even attempted after the close");
      server.verify();
    }
  }

  @Test
  void anAssertionErrorFromAReplyFunctionIsReportedAndResetsTheConnection() throws Exception {
    errorFromAReplyFunction("assert", () -> new AssertionError("boom"));
  }

  @Test
  void anOutOfMemoryErrorFromAReplyFunctionIsReportedAndResetsTheConnection() throws Exception {
    errorFromAReplyFunction("oom", () -> new OutOfMemoryError("simulated"));
  }

  private static void errorFromAReplyFunction(String name, Supplier<Error> error) throws Exception {
    Error thrown = error.get();
    LineRules rules = LineRules.create().when("X").reply(line -> {
      throw thrown;
    });
    TcpServer server = TcpServer.create().withName(name).withResponder(Responder.lines(rules)).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write("X\n".getBytes(StandardCharsets.US_ASCII));
      assertThrows(IOException.class, () -> readToEnd(client.getInputStream()), "the client sees the reset");
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).wasResetBy(Side.FAKE).receivedExactly("X\n");
      AssertionFailedError verified = assertThrows(AssertionFailedError.class, server::verify);
      assertEquals(
          "TcpServer '" + name + "' had 1 problem:\n  1. the responder of TcpServer '" + name
              + "' connection #0 failed: " + thrown,
          verified.getMessage());
      assertEquals(thrown, verified.getCause());
    } finally {
      assertThrows(AssertionFailedError.class, server::close);
    }
  }

  @Test
  void anEchoToAProgramThatNeverReadsStallsIsReportedAndResetsTheConnection() throws Exception {
    TcpServer server = TcpServer.create().withName("echo-stall").withTimeout(SHORT).withResponder(Responder.echo()).start();
    Socket client = new Socket("127.0.0.1", server.port());
    Thread writer = floodWithoutReading(client);
    try {
      Connection connection = server.awaitConnection();
      Awaitility.await("the stalled echo to be reset").atMost(WAIT).until(connection::wasReset);
      assertThat(connection).wasResetBy(Side.FAKE);
      long sent = connection.sent().size();
      assertTrue(sent > 0 && sent < connection.received().size(), "sent " + sent + " of what it received");
      assertEquals(connection.received().size(), sent + connection.undeliveredBytes(),
          "every received byte was either echoed or is on record as undelivered");
      AssertionFailedError verified = assertThrows(AssertionFailedError.class, server::verify);
      assertTrue(
          verified.getMessage().matches("(?s)TcpServer 'echo-stall' had 1 problem:\n  1. TcpServer 'echo-stall' connection #0:"
              + " a write of \\d+ bytes stalled after \\d+ bytes: the program read nothing for 500 ms \\(the fake's"
              + " timeout\\); the connection was reset"),
          verified.getMessage());
    } finally {
      client.close();
      assertThrows(AssertionFailedError.class, server::close);
      writer.join(10_000);
    }
  }

  @Test
  void aHandlerWriteToAProgramThatNeverReadsFailsWithinTheTimeout() throws Exception {
    AtomicReference<Throwable> writeError = new AtomicReference<>();
    TcpServer server =
        TcpServer.create().withName("handler-stall").withTimeout(SHORT).withHandler(c -> {
          byte[] block = new byte[64 * 1024];
          try {
            while (true) {
              c.write(block);
            }
          } catch (IOException e) {
            writeError.set(e);
            throw e;
          }
        }).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      Awaitility.await("the handler's write to fail").atMost(WAIT).until(() -> writeError.get() != null);
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).wasResetBy(Side.FAKE);
      assertTrue(writeError.get().getMessage().contains("stalled after"), writeError.get().getMessage());
      AssertionFailedError verified = assertThrows(AssertionFailedError.class, server::verify);
      assertTrue(verified.getMessage().startsWith("TcpServer 'handler-stall' had 1 problem:\n  1. TcpServer"
          + " 'handler-stall' connection #0: a write of 65536 bytes stalled after "), verified.getMessage());
    } finally {
      assertThrows(AssertionFailedError.class, server::close);
    }
  }

  @Test
  void checksOnAWholeFakeNeverJoinTheEndOfOneConnectionToTheNext() throws Exception {
    try (TcpServer server = TcpServer.create().withName("glue").start()) {
      send(server, "ab");
      server.awaitConnection().awaitClosed();
      send(server, "c\n");
      server.awaitConnections(2).get(1).awaitClosed();

      AssertionFailedError lines = assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedLines("abc"));
      assertEquals("TcpServer 'glue' received other lines than expected: line 1 (line 1 of TcpServer 'glue' connection #0,"
              + " offset 0) differs at column 3\n"
              + "  expected line 1: \"abc\"\n"
              + "  received line 1: \"ab\"\n"
              + "                      ^\n"
              + "TcpServer 'glue' connection #0 received, as text:\n"
              + "00000000  \"ab\"\n"
              + "(ends here, after 2 bytes)\n",
          lines.getMessage());
      assertThat(server).receivedLines("ab", "c").receivedExactly("ab", "c\n").receivedContaining("ab");
      assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedExactly("abc\n"));
      assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedContaining("bc"));
      assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedMatching("abc\\n"));
      assertThat(server).receivedMatching("c\\n").sentNothing();
      AssertionFailedError count = assertThrows(AssertionFailedError.class, () -> assertThat(server).receivedExactly("ab"));
      assertTrue(count.getMessage().startsWith(
          "TcpServer 'glue' has 2 connections, but 1 value was given, one for each connection; it received\n"
              + "  on connection #0: 2 bytes \"ab\"\n"
              + "  on connection #1: 2 bytes \"c\\n\""), count.getMessage());
    }
  }

  /** Connects, sends {@code text}, and closes. */
  private static void send(TcpServer server, String text) throws IOException {
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** A thread that writes 64 MiB into {@code client} and never reads; it ends when the socket does. */
  private static Thread floodWithoutReading(Socket client) {
    Thread writer = new Thread(() -> {
      try {
        OutputStream out = client.getOutputStream();
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 1024; i++) {
          out.write(block);
        }
      } catch (IOException e) {
        // the fake reset the connection, or the test closed the socket
      }
    }, "test-flood-writer");
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  private static long readAtLeast(InputStream in, long count) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    while (total < count) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("end of stream after " + total + " bytes");
      }
      total += n;
    }
    return total;
  }

  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
