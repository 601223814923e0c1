package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.opentest4j.AssertionFailedError;

/** Scripts playing the server's side of connections, over TCP and Unix sockets. */
class ScriptServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final Script LOGIN =
      Script.create()
          .sendLine("220 ready")
          .expectLineMatching("USER (?<user>\\w+)")
          .sendLine("331 password for ${user}")
          .expectLine("PASS secret")
          .sendLine("230 welcome ${1}")
          .expectEof();

  @Test
  void aTcpServerPlaysTheScriptWithCapturesAndFinishes() throws Exception {
    try (TcpServer server = TcpServer.create().withName("ftp").withScript(LOGIN).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      BufferedReader in = reader(client);
      assertEquals("220 ready", in.readLine());
      write(client, "USER alice\r\n");
      assertEquals("331 password for alice", in.readLine());
      write(client, "PASS secret\n");
      assertEquals("230 welcome alice", in.readLine());
      client.shutdownOutput();
      assertEquals(null, in.readLine(), "the script closes once its last step (the EOF) came");
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).receivedExactly("USER alice\r\nPASS secret\n")
          .sentExactly("220 ready\n331 password for alice\n230 welcome alice\n");
      server.verify();
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aUnixSocketServerPlaysTheSameScript() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withScript(LOGIN).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
      assertEquals("220 ready", in.readLine());
      client.write(ByteBuffer.wrap("USER bob\nPASS secret\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals("331 password for bob", in.readLine());
      assertEquals("230 welcome bob", in.readLine());
      client.shutdownOutput();
      server.awaitConnection().awaitClosed();
      server.verify();
    }
  }

  @Test
  void aDifferentLineFailsTheStepAtOnceWithTheNearestMissAndADump() throws Exception {
    Script script = Script.create().expectLine("HELLO").expectLine("QUIT").sendLine("BYE");
    try (TcpServer server = TcpServer.create().withName("kv").withTimeout(Duration.ofSeconds(30)).withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      write(client, "HELLO\nQUTI\n");
      // Long before the 30 s timeout: a complete line that differs cannot become the expected one.
      AssertionFailedError error = awaitProblem(server);
      String message = error.getMessage();
      assertTrue(message.contains("TcpServer 'kv' connection #0: script step 2 of 3 failed: expect line \"QUIT\""), message);
      assertTrue(message.contains("why: a different line arrived"), message);
      assertTrue(message.contains("nearest miss: the line differs at column 3\n"
          + "    expected: \"QUIT\"\n"
          + "    arrived : \"QUTI\"\n"
          + "                 ^"), message);
      assertTrue(message.contains("received, as text:\n    00000000  \"HELLO\\n\"\n    00000006  \"QUTI\\n\"\n"
          + "                 ^\n"), message);
      assertTrue(message.contains("first difference at offset 8 of the received stream"), message);
      assertTrue(message.contains("4f 0a 51 55  54 49 0a") && message.contains("|HELLO.QUTI.|"), message);
      assertTrue(message.contains("done 1. expect line \"HELLO\"") && message.contains("FAILED 2.")
          && message.contains("not run 3. send line \"BYE\""), message);
      assertEquals(-1, client.getInputStream().read(), "a failed script closes its connection");
      assertThat(server.awaitConnection().awaitClosed()).sentNothing();
    }
  }

  @Test
  void differentBytesFailAtTheFirstDifferingOffset() throws Exception {
    Script script = Script.create().expectHex("00 01 02 03 04");
    try (TcpServer server = TcpServer.create().withTimeout(Duration.ofSeconds(30)).withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write(new byte[] {0, 1, 9});
      AssertionFailedError error = awaitProblem(server);
      assertTrue(error.getMessage().contains("the bytes differ at offset 2 of the expected 5 bytes"), error.getMessage());
      assertTrue(error.getMessage().contains("00 01 09"), error.getMessage());
    }
  }

  @Test
  void anExpectThatSeesNothingInTimeFailsWithTheStepsTimeoutAndWhatArrived() throws Exception {
    Script script = Script.create().expectLine("PING").within(Duration.ofMillis(200));
    try (TcpServer server = TcpServer.create().withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      write(client, "PIN");
      AssertionFailedError error = awaitProblem(server);
      assertTrue(error.getMessage().contains("nothing that matched arrived within 200 ms (the step's timeout)"), error.getMessage());
      assertTrue(error.getMessage().contains("nearest miss: an unfinished line \"PIN\""), error.getMessage());
    }
  }

  /**
   * A step waits in a plain blocking read; the watchdog ends it at the step's timeout by shutting
   * the input down. The failure comes at the step's timeout, not the fake's, and the recording shows
   * what arrived and no end of stream, since the program never sent one.
   */
  @Test
  void aTimedOutStepEndsItsReadAtTheStepsTimeoutWithoutInventingAnEndOfStream() throws Exception {
    Script script = Script.create().expectLine("PING").within(Duration.ofMillis(100));
    try (TcpServer tcp = TcpServer.create().withName("timed-tcp").withTimeout(Duration.ofSeconds(30)).withScript(script).start();
        Socket client = new Socket("127.0.0.1", tcp.port())) {
      assertTimedOutStep(tcp, () -> write(client, "PIN"));
    }
    try (UnixSocketServer unix = UnixSocketServer.create().withName("timed-unix").withTimeout(Duration.ofSeconds(30)).withScript(script).start();
        SocketChannel client = SocketChannel.open(unix.address())) {
      assertTimedOutStep(unix, () -> client.write(ByteBuffer.wrap("PIN".getBytes(StandardCharsets.US_ASCII))));
    }
  }

  private interface Send {
    void send() throws IOException;
  }

  private static void assertTimedOutStep(StreamServer server, Send pin) throws IOException {
    long start = System.nanoTime();
    pin.send();
    Connection connection = server.awaitConnection().awaitReceived("PIN");
    AssertionFailedError error = awaitProblem(server);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(error.getMessage().contains("nothing that matched arrived within 100 ms (the step's timeout)"), error.getMessage());
    assertTrue(took.compareTo(Duration.ofMillis(100)) >= 0, "not before the step's timeout: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "long before the fake's 30 s timeout: " + took);
    assertEquals("PIN", connection.received().text());
    assertTrue(
        connection.events().stream().noneMatch(e -> e.kind() == ConnectionEvent.Kind.HALF_CLOSED && e.side() == ConnectionEvent.Side.PEER),
        "the program never half-closed: " + connection.events());
  }

  @Test
  void anUnfinishedScriptFailsVerifyWithTheStepsLeft() throws Exception {
    Script script = Script.create().expectLine("HELLO").sendLine("HI").expectLine("QUIT");
    TcpServer server = TcpServer.create().withName("chat").withScript(script).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      write(client, "HELLO\n");
      assertEquals("HI", reader(client).readLine());
      AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(error.getMessage().contains(
          "TcpServer 'chat' connection #0: the script did not finish; it was at step 3 of 3, steps not done:\n"
              + "       3. expect line \"QUIT\""), error.getMessage());
    }
  }

  @Test
  void aScriptWithoutAConnectionFailsVerifyUnlessUnfinishedScriptsAreAllowed() {
    TcpServer strict = TcpServer.create().withName("lonely").withScript(Script.create().expectLine("X")).start();
    AssertionFailedError error = assertThrows(AssertionFailedError.class, strict::close);
    assertTrue(error.getMessage().contains("TcpServer 'lonely' has a script for every connection, but no connection arrived"),
        error.getMessage());

    TcpServer lenient =
        TcpServer.create().withScript(Script.create().expectLine("X")).withUnfinishedScriptsAllowed().start();
    lenient.close();
  }

  @Test
  void oneScriptPerConnectionMakesTheFirstAttemptFailAndTheRetrySucceed() throws Exception {
    Script refuse = Script.create().reset();
    Script serve = Script.create().expectLine("GET config").sendLine("OK retries=3").expectEof();
    try (TcpServer server = TcpServer.create().withScripts(refuse, serve).start()) {
      String answer = RetryingClient.fetch(server.port(), "GET config");
      assertEquals("OK retries=3", answer);
      assertTrue(server.connection(0).wasReset());
      server.connection(1).awaitClosed();
      server.verify();
    }
  }

  @Test
  void aConnectionBeyondTheLastScriptAndAScriptWithoutItsConnectionAreProblems() throws Exception {
    Script one = Script.create().close();
    TcpServer server = TcpServer.create().withScripts(one, one, one).start();
    for (int i = 0; i < 2; i++) {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        assertEquals(-1, client.getInputStream().read());
      }
    }
    AssertionFailedError missing = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(missing.getMessage().contains("no connection arrived for script #2 (1 step)"), missing.getMessage());

    TcpServer overrun = TcpServer.create().withScripts(one).start();
    for (int i = 0; i < 2; i++) {
      try (Socket client = new Socket("127.0.0.1", overrun.port())) {
        assertEquals(-1, client.getInputStream().read());
      }
    }
    overrun.awaitConnections(2).get(1).awaitClosed();
    AssertionFailedError extra = assertThrows(AssertionFailedError.class, overrun::close);
    assertTrue(extra.getMessage().contains("connection #1 arrived, but TcpServer 'tcp' has scripts for 1 connection only"),
        extra.getMessage());
  }

  @Test
  void lengthPrefixedFramesAreExpectedAndSent() throws Exception {
    Framing framing = Framing.lengthPrefix(2);
    Script script = Script.create().expectFrame(framing, "PING").sendFrame(framing, "PONG").expectFrame(framing).expectEof();
    try (TcpServer server = TcpServer.create().withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      out.writeShort(4);
      out.write("PING".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(client.getInputStream());
      assertEquals(4, in.readUnsignedShort());
      byte[] pong = new byte[4];
      in.readFully(pong);
      assertEquals("PONG", new String(pong, StandardCharsets.US_ASCII));
      out.writeShort(0);
      client.shutdownOutput();
      assertEquals(-1, in.read());
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).receivedFrames(framing, "PING", "");
      server.verify();
    }
  }

  @Test
  void halfCloseSendsEndOfStreamWhileTheScriptStillReads() throws Exception {
    Script script = Script.create().sendLine("bye soon").halfClose().expectLine("last words").expectEof();
    try (TcpServer server = TcpServer.create().withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      BufferedReader in = reader(client);
      assertEquals("bye soon", in.readLine());
      assertEquals(null, in.readLine(), "the client reads end-of-stream");
      write(client, "last words\n");
      client.shutdownOutput();
      assertThat(server.awaitConnection().awaitClosed()).receivedExactly("last words\n").isFakeHalfClosed();
      server.verify();
    }
  }

  @Test
  void aStallHoldsTheConnectionUntilTheFakeStopsAndCountsAsFinished() throws Exception {
    try (TcpServer server = TcpServer.create().withScript(Script.create().sendLine("hold on").stall()).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(200);
      BufferedReader in = reader(client);
      assertEquals("hold on", in.readLine());
      assertThrows(SocketTimeoutException.class, in::readLine, "a stalled peer sends nothing more");
      long started = System.nanoTime();
      server.close(); // verifies: a stall is the script's end, so nothing is unfinished
      assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0,
          "close() ends a stall at once");
    }
  }

  @Test
  void closeEndsALongPauseAtOnceAndReportsTheScriptUnfinished() throws Exception {
    Script script = Script.create().sendLine("wait").pause(Duration.ofMinutes(5)).sendLine("done");
    TcpServer server = TcpServer.create().withScript(script).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      assertEquals("wait", reader(client).readLine());
      long started = System.nanoTime();
      AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0,
          "close() ends a pause at once");
      assertTrue(error.getMessage().contains("it was at step 2 of 3"), error.getMessage());
    }
  }

  @Test
  void aResetStepResetsAndTheClientSeesConnectionReset() throws Exception {
    try (TcpServer server = TcpServer.create().withScript(Script.create().expectLine("hi").reset()).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      write(client, "hi\n");
      SocketException reset = assertThrows(SocketException.class, () -> client.getInputStream().read());
      assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
      assertThat(server.awaitConnection().awaitClosed()).wasResetBy(ConnectionEvent.Side.FAKE);
      server.verify();
    }
  }

  @Test
  void expectEofFailsWhenTheProgramResetsInstead() throws Exception {
    try (TcpServer server = TcpServer.create().withScript(Script.create().expectEof()).start()) {
      Socket client = new Socket("127.0.0.1", server.port());
      client.setSoLinger(true, 0);
      client.close();
      AssertionFailedError error = awaitProblem(server);
      assertTrue(error.getMessage().contains("the program reset the connection instead of closing it"), error.getMessage());
    }
  }

  @Test
  void aRegexExpectTakesTheTextAsSoonAsItMatchesAndFailsWhenItCannot() throws Exception {
    Script script =
        Script.create().expectMatching("\\+OK (\\d+) messages\r\n").sendLine("got ${1}").expectMatching("[a-z]+;");
    try (TcpServer server = TcpServer.create().withTimeout(Duration.ofSeconds(30)).withScript(script).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      write(client, "+OK 12 messages\r\n");
      assertEquals("got 12", reader(client).readLine());
      write(client, "abc9");
      AssertionFailedError error = awaitProblem(server);
      assertTrue(error.getMessage().contains("what arrived cannot match"), error.getMessage());
      assertTrue(error.getMessage().contains("nearest miss: \"abc9\""), error.getMessage());
    }
  }

  @Test
  void aProgramThatSendsAnEndlessLineIsCutOffAtTheBound() throws Exception {
    try (TcpServer server = TcpServer.create().withTimeout(Duration.ofSeconds(30)).withScript(Script.create().expectLine("x")).start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      OutputStream out = client.getOutputStream();
      byte[] noNewline = new byte[70 * 1024];
      java.util.Arrays.fill(noNewline, (byte) 'a');
      try {
        out.write(noNewline);
      } catch (IOException closedMeanwhile) {
        // the fake may close before the last bytes are written; what matters is the report
      }
      AssertionFailedError error = awaitProblem(server);
      assertTrue(error.getMessage().contains("no line end in the first 65536 bytes"), error.getMessage());
    }
  }

  @Test
  void scriptsRejectMistakesWhenTheyAreBuilt() {
    IllegalArgumentException badReference =
        assertThrows(IllegalArgumentException.class, () -> Script.create().expectLineMatching("GET (\\w+)").sendLine("${2}"));
    assertEquals("\"${2}\" refers to ${2}, which the latest regex expect does not have; it has ${0}, ${1}",
        badReference.getMessage());
    IllegalArgumentException noRegex = assertThrows(IllegalArgumentException.class, () -> Script.create().sendLine("${1}"));
    assertTrue(noRegex.getMessage().contains("no regex expect comes before it"), noRegex.getMessage());
    assertEquals("pay $${1}", Script.create().sendLine("pay $${1}").steps().get(0).replace("send line ", "").replace("\"", ""));
    IllegalStateException afterClose = assertThrows(IllegalStateException.class, () -> Script.create().close().sendLine("x"));
    assertEquals("no step can follow \"close\", which ends the script; cannot add \"send line \"x\"\"", afterClose.getMessage());
    IllegalStateException within = assertThrows(IllegalStateException.class, () -> Script.create().sendLine("x").within(WAIT));
    assertTrue(within.getMessage().startsWith("within(…) sets the timeout of the expect before it"), within.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Script.create().expectLine("two\nlines"));
    assertThrows(IllegalArgumentException.class, () -> Script.create().expectMatching("(unclosed"));
    assertThrows(IllegalArgumentException.class, () -> Script.create().expectBytes(0));
    assertThrows(IllegalArgumentException.class, () -> Script.create().pause(Duration.ZERO));
    assertEquals(
        "script of 2 steps:\n  1. expect line \"A\"\n  2. send hex 0a0b",
        Script.create().expectLine("A").sendHex("0a 0b").toString());
  }

  @Test
  void aUnixSocketChannelClientWorksToo() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(OS.current() == OS.LINUX || OS.current() == OS.MAC);
    try (UnixSocketServer server = UnixSocketServer.create().withScript(Script.create().expectText("ab").sendText("cd")).start();
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      client.connect(server.address());
      client.write(ByteBuffer.wrap(new byte[] {'a', 'b'}));
      ByteBuffer reply = ByteBuffer.allocate(2);
      while (reply.hasRemaining() && client.read(reply) >= 0) {
        // read both bytes
      }
      assertEquals("cd", new String(reply.array(), StandardCharsets.US_ASCII));
      server.awaitConnection().awaitClosed();
      server.verify();
    }
  }

  /**
   * Waits until the server reports a failed step, then closes it, which reports the failure again;
   * returns the failure.
   */
  private static AssertionFailedError awaitProblem(StreamServer server) {
    Awaitility.await("a failed step of " + server).atMost(WAIT).until(() -> {
      try {
        server.verify();
        return false;
      } catch (AssertionFailedError e) {
        return e.getMessage().contains(" failed: ");
      }
    });
    return assertThrows(AssertionFailedError.class, server::close);
  }

  private static BufferedReader reader(Socket client) throws IOException {
    return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void write(Socket client, String text) throws IOException {
    client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    client.getOutputStream().flush();
  }

  /** A client with the retry logic the per-connection scripts test: one more attempt after a reset. */
  private static final class RetryingClient {
    static String fetch(int port, String request) throws IOException {
      IOException first = null;
      for (int attempt = 0; attempt < 2; attempt++) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          write(socket, request + "\n");
          String line = reader(socket).readLine();
          if (line == null) {
            throw new IOException("closed without an answer");
          }
          socket.shutdownOutput();
          return line;
        } catch (IOException e) {
          first = e;
        }
      }
      throw first;
    }
  }
}
