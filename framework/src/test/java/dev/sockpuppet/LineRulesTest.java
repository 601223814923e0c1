package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Line rules as a hostile or sloppy program meets them: huge lines, odd bytes, odd endings. */
class LineRulesTest {
  @Test
  void aLineLongerThanTheLimitIsReportedBrieflySkippedAndStillRecorded() throws Exception {
    LineRules rules = LineRules.create().when("PING").reply("PONG").withMaxLineLength(16);
    TcpServer server = TcpServer.create().withName("long-line").withResponder(Responder.lines(rules)).start();
    String answer;
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(("x".repeat(100) + "\nPING\n").getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      answer = readToEnd(client);
    }
    assertEquals("PONG\n", answer, "the line after the long one is answered");
    assertThat(server.awaitConnection().awaitClosed()).receivedExactly("x".repeat(100) + "\nPING\n");
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertEquals(
        "TcpServer 'long-line' had 1 problem:\n  1. TcpServer 'long-line' connection #0 received a line longer than"
            + " 16 bytes (the longest the line rules hold; see LineRules.withMaxLineLength); it is not answered, and the"
            + " rest of it is skipped. It starts with \"" + "x".repeat(64) + "\"",
        error.getMessage());
  }

  @Test
  void twoMebibytesWithoutANewlineGiveAShortMessageUnderTheDefaultLimit() throws Exception {
    TcpServer server =
        TcpServer.create().withName("huge-line").withResponder(Responder.lines(LineRules.create().when("PING").reply("PONG")))
            .start();
    byte[] line = new byte[2 * 1024 * 1024];
    Arrays.fill(line, (byte) 'a');
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(line);
      client.shutdownOutput();
      assertEquals("", readToEnd(client));
    }
    assertEquals(line.length, server.awaitConnection().awaitClosed().received().size(), "every byte is recorded");
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().length() < 500, error.getMessage().length() + " characters: " + error.getMessage());
    assertTrue(error.getMessage().contains("received a line longer than 65536 bytes"), error.getMessage());
  }

  @Test
  void groupReferencesComeFromTheWholeLineMatch() throws Exception {
    LineRules rules = LineRules.create().whenMatches("(\\w+?)(\\d*)").replyLines("word=$1 digits=$2", "again $1");
    assertEquals("word=abc digits=123\nagain abc\n", exchange(rules, "abc123\n"));
  }

  @Test
  void aReplyThatRefersToAMissingGroupIsRejectedWhereTheRuleIsMade() {
    LineRules.When when = LineRules.create().whenMatches("GET (\\w+)");
    assertEquals(
        "the reply \"VALUE $2\" refers to group $2, but /GET (\\w+)/ has 1 group; write \\$ for a dollar sign",
        assertThrows(IllegalArgumentException.class, () -> when.reply("VALUE $2")).getMessage());
    assertEquals(
        "the reply \"VALUE ${key}\" refers to the group ${key}, but /GET (\\w+)/ has no group of that name;"
            + " its named groups are []",
        assertThrows(IllegalArgumentException.class, () -> when.reply("VALUE ${key}")).getMessage());
    assertEquals("the longest line must be at least 1 byte, got 0",
        assertThrows(IllegalArgumentException.class, () -> LineRules.create().withMaxLineLength(0)).getMessage());
  }

  @Test
  void aFinalLineWithoutLfIsMatchedWithoutItsCr() throws Exception {
    LineRules rules = LineRules.create().when("PING").reply("PONG");
    try (TcpServer server = TcpServer.create().withResponder(Responder.lines(rules)).start()) {
      assertEquals("PONG\n", exchange(server, "PING\r"));
      server.awaitConnection().awaitClosed();
      server.verify();
    }
  }

  @Test
  void aHandlerReadsAFinalLineWithoutLfWithoutItsCr() throws Exception {
    AtomicReference<String> line = new AtomicReference<>();
    CountDownLatch read = new CountDownLatch(1);
    try (TcpServer server = TcpServer.create().withHandler(c -> {
          line.set(c.readLine());
          read.countDown();
        }).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("abc\r".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      assertTrue(read.await(10, TimeUnit.SECONDS), "the handler's readLine() returned");
      assertEquals("abc", line.get());
    }
  }

  @Test
  void unmatchedLinesAreShownEscapedNotRaw() throws Exception {
    TcpServer server = TcpServer.create().withName("nul").withResponder(Responder.lines(LineRules.create())).start();
    exchange(server, "x\u0000y\u00ff\n");
    server.awaitConnection().awaitClosed();
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertEquals(
        "TcpServer 'nul' had 1 problem:\n  1. TcpServer 'nul' connection #0 received a line no rule matches: \"x\\x00y\\xc3\\xbf\"",
        error.getMessage());
    assertFalse(error.getMessage().contains("\u0000"));
  }

  @Test
  void aGreetingGoesOutBeforeAnythingIsRead() throws Exception {
    Responder smtp = Responder.lines(LineRules.create().when("QUIT").replyAndClose("221 bye")).withGreeting("220 ready\r\n");
    try (TcpServer server = TcpServer.create().withResponder(smtp).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      byte[] greeting = client.getInputStream().readNBytes(11);
      assertEquals("220 ready\r\n", new String(greeting, StandardCharsets.US_ASCII), "the greeting comes unasked");
      client.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("221 bye\r\n", readToEnd(client));
      assertThat(server.awaitConnection()).eventually().sentExactly("220 ready\r\n221 bye\r\n");
    }
  }

  @Test
  void perConnectionResetsTheFirstAttemptAndAnswersTheRetry() throws Exception {
    Responder flaky = Responder.perConnection(Responder.reset(), Responder.reply("OK\n"));
    try (TcpServer server = TcpServer.create().withResponder(flaky).start()) {
      assertThrows(IOException.class, () -> exchange(server, "GET\n"), "the first attempt is reset");
      assertEquals("OK\n", exchangeWithoutClosing(server, "GET\n"));
      assertEquals("OK\n", exchangeWithoutClosing(server, "GET\n"), "later connections keep the last responder");
      assertThat(server).eventually().hasConnectionCount(3);
      assertThat(server.connection(0)).eventually().wasResetBy(ConnectionEvent.Side.FAKE);
      assertThat(server.connection(1)).eventually().sentExactly("OK\n");
    }
  }

  /** Connects, sends {@code request}, half-closes, and returns everything up to end-of-stream. */
  private static String exchange(TcpServer server, String request) throws IOException {
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      client.shutdownOutput();
      return readToEnd(client);
    }
  }

  private static String exchange(LineRules rules, String request) throws IOException {
    try (TcpServer server = TcpServer.create().withResponder(Responder.lines(rules)).start()) {
      return exchange(server, request);
    }
  }

  /** Sends {@code request} and reads one line back, leaving the connection open until it closes. */
  private static String exchangeWithoutClosing(TcpServer server, String request) throws IOException {
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = client.getInputStream().read()) >= 0; ) {
        line.write(b);
        if (b == '\n') {
          break;
        }
      }
      return line.toString(StandardCharsets.UTF_8);
    }
  }

  private static String readToEnd(Socket client) throws IOException {
    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
