package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class ResponderTest {
  @Test
  void sinkRecordsAndAnswersNothingAndClosesWhenThePeerDoes() throws Exception {
    try (TcpServer server = TcpServer.create().start()) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write("just recording".getBytes());
        client.shutdownOutput();
        assertEquals(-1, client.getInputStream().read(), "the sink closes after the peer half-closes");
      }
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).receivedExactly("just recording").sentExactly("").isPeerHalfClosed().isClosed();
      assertEquals(
          "[opened, peer shut down its output, closed by fake]",
          connection.events().toString());
    }
  }

  @Test
  void replyAnswersOncePerConnection() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withResponder(Responder.reply("OK\n")).start()) {
      for (int i = 0; i < 2; i++) {
        try (SocketChannel client = SocketChannel.open(server.address())) {
          client.write(ByteBuffer.wrap("a".getBytes()));
          server.awaitConnections(i + 1).get(i).awaitReceived("a");
          client.write(ByteBuffer.wrap("b".getBytes()));
          ByteBuffer answer = ByteBuffer.allocate(3);
          while (answer.hasRemaining()) {
            client.read(answer);
          }
          assertEquals("OK\n", new String(answer.array(), StandardCharsets.UTF_8));
          server.connection(i).awaitReceived("ab");
        }
      }
      assertThat(server).eventually().hasConnectionCount(2).receivedExactly("ab", "ab").sentExactly("OK\n", "OK\n");
    }
  }

  @Test
  void lineRulesAnswerInOrderKeepCrlfAndReportUnmatchedLines() throws Exception {
    LineRules rules =
        LineRules.create()
            .when("PING").reply("PONG")
            .whenMatches("GET (?<key>\\w+)").reply("VALUE ${key}")
            .when("NOISE").ignore()
            .when("MULTI").replyLines("one", "two")
            .when("QUIT").replyAndClose("BYE");
    TcpServer server = TcpServer.create().withName("kv").withResponder(Responder.lines(rules)).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      OutputStream out = client.getOutputStream();
      out.write("PING\r\nGET color\nNOISE\nWHAT\nMULTI\nQUIT\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder answers = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        answers.append(line).append('|');
      }
      assertEquals("PONG|VALUE color|one|two|BYE|", answers.toString());
    }
    assertThat(server.awaitConnection().awaitClosed()).sentExactly("PONG\r\nVALUE color\none\ntwo\nBYE\n");
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertEquals(
        "TcpServer 'kv' had 1 problem:\n  1. TcpServer 'kv' connection #0 received a line no rule matches: \"WHAT\"",
        error.getMessage());
  }

  @Test
  void otherwiseAnswersEverythingElse() throws Exception {
    LineRules rules = LineRules.create().when("A").reply("1").otherwise("ERR");
    try (TcpServer server = TcpServer.create().withResponder(Responder.lines(rules)).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("A\nB\nC".getBytes());
      client.shutdownOutput();
      assertEquals("1\nERR\nERR\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anInvalidRegexIsRejectedWithItsReason() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> LineRules.create().whenMatches("(unclosed"));
    assertEquals(true, error.getMessage().startsWith("not a valid regular expression for a line rule: Unclosed group"));
  }

  @Test
  void handlerReadsAndWritesAreRecordedInOrder() throws Exception {
    TcpServer server =
        TcpServer.create()
            .withHandler(connection -> {
              String greeting = connection.readLine();
              connection.writeLine("hello " + greeting);
              Bytes four = connection.readExactly(4);
              connection.write(four);
              Bytes upTo = connection.readUntil(Bytes.of(";"));
              connection.write(upTo.text().toUpperCase());
              connection.write(connection.readToEnd());
            })
            .start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("bob\r\n1234abc;rest".getBytes());
      client.shutdownOutput();
      assertEquals("hello bob\n1234ABC;rest", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    assertThat(server.awaitConnection().awaitClosed())
        .receivedExactly("bob\r\n1234abc;rest")
        .sentExactly("hello bob\n1234ABC;rest");
    server.close();
  }

  @Test
  void aHandlerReadingPieceByPieceSeesTheWholeStreamInOrder() throws Exception {
    int pieces = 5_000;
    TcpServer server =
        TcpServer.create()
            .withHandler(connection -> {
              for (int i = 0; i < pieces; i++) {
                Bytes piece = connection.readExactly(7);
                if (!piece.text().equals(String.format("%06d;", i))) {
                  throw new AssertionError("piece " + i + " was " + piece);
                }
              }
              connection.writeLine("all " + pieces);
            })
            .start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      OutputStream out = client.getOutputStream();
      for (int i = 0; i < pieces; i++) {
        out.write(String.format("%06d;", i).getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("all " + pieces, in.readLine());
    }
    assertThat(server.awaitConnection()).receivedMatching("(\\d{6};){" + pieces + "}");
    Connection connection = server.awaitReceived("a condition on the size", bytes -> bytes.size() == 7L * pieces);
    assertEquals(0, connection.index());
    server.close();
  }

  @Test
  void resetByTheFakeIsRecordedAndSeenByTheClient() throws Exception {
    try (TcpServer server = TcpServer.create().withHandler(connection -> {
          connection.readLine();
          connection.reset();
        }).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("go\n".getBytes());
      assertThrows(java.net.SocketException.class, () -> client.getInputStream().read());
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).wasReset();
      assertEquals("reset by fake", connection.events().get(1).toString());
    }
  }

  @Test
  void resetByThePeerIsRecorded() throws Exception {
    try (TcpServer server = TcpServer.create().start()) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write("bye".getBytes());
        server.awaitReceived("bye");
        client.setSoLinger(true, 0);
      }
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).wasReset();
      assertEquals(ConnectionEvent.Side.PEER, connection.events().get(1).side());
    }
  }

  @Test
  void halfCloseByTheFakeLetsThePeerKeepSending() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withHandler(connection -> {
          connection.writeLine("ready");
          connection.shutdownOutput();
          connection.readToEnd();
        }).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      ByteBuffer buffer = ByteBuffer.allocate(16);
      int total = 0;
      for (int read; (read = client.read(buffer)) >= 0; ) {
        total += read;
      }
      assertEquals(6, total, "the client reads the greeting, then end-of-stream");
      client.write(ByteBuffer.wrap("still talking".getBytes()));
      client.shutdownOutput();
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).receivedExactly("still talking").sentExactly("ready\n");
      assertEquals(
          "[opened, fake shut down its output, peer shut down its output, closed by fake]",
          connection.events().toString());
    }
  }
}
