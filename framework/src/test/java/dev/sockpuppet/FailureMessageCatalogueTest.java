package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.http.HttpRequest;
import dev.sockpuppet.peer.TcpPeer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.syslog.SyslogMatcher;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.parallel.Isolated;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.opentest4j.AssertionFailedError;

/**
 * One deliberately failing assertion per kind of assertion, and what its message must say: the
 * subject (fake, connection or datagram or message, direction, script step), the window around
 * the first difference as escaped text and hex, and the nearest miss. The stream kinds fail on a
 * recording of about 50 MB, and their message, expected and actual values must each stay under
 * {@link #BOUND} characters there: an IDE must never receive a whole recording. How long a message
 * takes to build is measured by the JMH benchmarks, not here; the timeouts below only stop a hang.
 *
 * <p>The big recording is one connection to one fake that spills to a file past 1 MiB, shared by
 * the tests of this class, so the suite holds one such recording (and, for the regex, its text)
 * at a time. The class runs isolated: scanning 50 MB several times over on the suite's shared cores
 * made other tests' short (200 ms) waits time out.
 */
@Isolated
class FailureMessageCatalogueTest {
  /** The most characters a failure's message, expected or actual value may have. */
  private static final int BOUND = 16 * 1024;
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);

  /** "line 0000000 the quick brown fox\n": 33 bytes. */
  private static final int LINE = 33;
  private static final int LINES = 1_600_000;
  /** The line that says "fax" instead of "fox", about 40 MB in. */
  private static final int ODD_LINE = 1_200_000;
  /** Offset of the odd line's "a". */
  private static final long ODD_BYTE = (long) ODD_LINE * LINE + 30;

  private static TcpServer big;
  private static Connection bigConnection;

  @BeforeAll
  static void recordFiftyMegabytes() throws Exception {
    // A short timeout: the waits that fail here end soon; the recording itself is awaited below.
    big = TcpServer.create().withName("catalogue-big").withMemoryLimit(1 << 20).withTimeout(Duration.ofSeconds(1)).start();
    try (Socket client = new Socket("127.0.0.1", big.port())) {
      OutputStream out = client.getOutputStream();
      byte[] block = new byte[LINE * 32_768];
      for (int first = 0; first < LINES; first += 32_768) {
        int count = Math.min(32_768, LINES - first);
        for (int i = 0; i < count; i++) {
          writeLine(block, i * LINE, first + i);
        }
        out.write(block, 0, count * LINE);
      }
      bigConnection = big.awaitConnection();
    }
    Awaitility.await("all of the big recording").atMost(Duration.ofMinutes(1))
        .until(() -> bigConnection.isClosed() && bigConnection.received().size() == (long) LINES * LINE);
  }

  private static void writeLine(byte[] block, int at, int number) {
    byte[] text = "line 0000000 the quick brown fox\n".getBytes(StandardCharsets.US_ASCII);
    for (int digit = 11, n = number; digit >= 5; digit--, n /= 10) {
      text[digit] = (byte) ('0' + n % 10);
    }
    if (number == ODD_LINE) {
      text[30] = 'a';
    }
    System.arraycopy(text, 0, block, at, LINE);
  }

  @AfterAll
  static void closeTheBigRecording() {
    if (big != null) {
      big.close();
    }
  }

  private static AssertionFailedError fails(Executable assertion) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(AssertionFailedError.class, assertion));
  }

  /** The message, expected and actual values each stay under the bound. */
  private static String bounded(AssertionFailedError failure) {
    String message = failure.getMessage();
    assertTrue(message.length() < BOUND, () -> "the message has " + message.length() + " characters");
    if (failure.isExpectedDefined()) {
      String expected = failure.getExpected().getStringRepresentation();
      assertTrue(expected.length() < BOUND, () -> "expected has " + expected.length() + " characters");
    }
    if (failure.isActualDefined()) {
      String actual = failure.getActual().getStringRepresentation();
      assertTrue(actual.length() < BOUND, () -> "actual has " + actual.length() + " characters");
    }
    return message;
  }

  private static void has(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "no «" + part + "» in:\n" + message);
    }
  }

  private static String oddLine() {
    return "line " + ODD_LINE + " the quick brown fax";
  }

  @Test
  void exactBytesShowTheWindowAroundTheFirstDifferenceAsTextThenHex() {
    Bytes received = bigConnection.received();
    Bytes expected = Bytes.concat(received.first(ODD_BYTE), Bytes.of("o"), received.slice(ODD_BYTE + 1, received.size()));
    AssertionFailedError failure = fails(() -> assertThat(bigConnection).receivedExactly(expected));
    String message = bounded(failure);
    has(message,
        "TcpServer 'catalogue-big' connection #0 received bytes that differ from the expected at offset " + ODD_BYTE,
        "  expected: …\"",
        "received, as text:\n",
        "\"" + oddLine() + "\\n\"\n",
        " bytes before\n", // the bytes either side of the window are counted, not shown
        " bytes after\n",
        "received, as hex:\n");
    assertTrue(message.indexOf("received, as text:") < message.indexOf("received, as hex:"), "text reads better here");
    assertTrue(failure.getActual().getStringRepresentation().contains(oddLine()), "the IDE's actual is the window");
  }

  @Test
  void textNotFoundShowsTheFirstAndLastBytesOnly() {
    String message = bounded(fails(() -> assertThat(bigConnection).receivedContaining("the quick brown fix")));
    has(message,
        "TcpServer 'catalogue-big' connection #0 received nothing containing \"the quick brown fix\"; it received "
            + (long) LINES * LINE + " bytes (the first 256 and the last ",
        "00000000  \"line 0000000 the quick brown fox\\n\"",
        "\"line 1599999 the quick brown fox\\n\"");
  }

  @Test
  void aLineThatNeverCameShowsTheNearestLineAndWhereItDiffers() {
    // Only the odd line, 40 MB in, shares 30 bytes with the awaited one.
    String message = bounded(fails(() -> bigConnection.awaitReceivedLine("line 1200000 the quick brown fix")));
    has(message,
        "timed out after 1 s waiting for TcpServer 'catalogue-big' connection #0 to receive the line",
        "nearest line: line " + (ODD_LINE + 1) + " (offset " + (long) ODD_LINE * LINE + ") differs at column 31\n"
            + "  expected: \"line 1200000 the quick brown fix\"\n"
            + "  nearest : \"" + oddLine() + "\"\n"
            + " ".repeat(43) + "^\n");
  }

  @Test
  void linesNameTheFirstDifferingLineItsColumnAndShowTheTextAroundIt() {
    AssertionFailedError failure = fails(() -> assertThat(bigConnection).receivedLines(
        "line 0000000 the quick brown fox", "line 0000001 the quick brown fox", "line 0000002 the quick brown fix"));
    String message = bounded(failure);
    has(message,
        "TcpServer 'catalogue-big' connection #0 received other lines than expected: line 3 (offset 66) differs at column 31\n"
            + "  expected line 3: \"line 0000002 the quick brown fix\"\n"
            + "  received line 3: \"line 0000002 the quick brown fox\"\n"
            + " ".repeat(50) + "^\n",
        "00000042  \"line 0000002 the quick brown fox\\n\"\n");
    assertEquals("1: \"line 0000000 the quick brown fox\"\n2: \"line 0000001 the quick brown fox\"\n"
        + "3: \"line 0000002 the quick brown fix\"\n", failure.getExpected().getStringRepresentation());
    assertTrue(failure.getActual().getStringRepresentation().startsWith(
        "1: \"line 0000000 the quick brown fox\"\n2: \"line 0000001 the quick brown fox\"\n"
            + "3: \"line 0000002 the quick brown fox\"\n4: "), failure.getActual().getStringRepresentation());
  }

  @Test
  void aRegexFailureSaysWhereTheTextStopsMatching() {
    AssertionFailedError failure =
        fails(() -> assertThat(bigConnection).receivedMatching("line \\d{7} the quick brown fix\n.*"));
    String message = bounded(failure);
    has(message,
        "TcpServer 'catalogue-big' connection #0 received text that does not match /line \\d{7} the quick brown fix\n.*/:"
            + " the text stops matching at offset 30, line 1 column 31",
        "received, as text:\n00000000  \"line 0000000 the quick brown fox\\n\"\n" + " ".repeat(41) + "^\n");
    assertEquals("/line \\d{7} the quick brown fix\n.*/", failure.getExpected().getValue());
  }

  @Test
  void framesNameTheFrameItsOffsetAndTheFirstDifferingPayloadByte() {
    String message = bounded(fails(() -> assertThat(bigConnection).receivedFrames(
        Framing.delimiter("\n"), "line 0000000 the quick brown fox", "line 0000001 the quick brown fux")));
    has(message,
        "TcpServer 'catalogue-big' connection #0 received other frames than expected (",
        "frame 2 (at offset 33) differs at payload offset 30 (offset 63 of the stream)\n"
            + "  expected frame 2: \"line 0000001 the quick brown fux\"\n"
            + "  received frame 2: \"line 0000001 the quick brown fox\"\n",
        "received, as text:\n");
  }

  @Test
  void tooFewLinesNameTheLineThatFollowed() {
    String message = bounded(fails(() -> assertThat(bigConnection).receivedLines(
        "line 0000000 the quick brown fox", "line 0000001 the quick brown fox")));
    has(message, "TcpServer 'catalogue-big' connection #0 received other lines than expected: expected 2 lines,"
        + " but line 3 (offset 66) followed: \"line 0000002 the quick brown fox\"");
  }

  @Test
  void aWaitThatTimesOutOnABigRecordingShowsItsEndsOnly() {
    String message = bounded(fails(() -> big.awaitReceived("never sent")));
    has(message,
        "timed out after 1 s waiting for TcpServer 'catalogue-big' to receive \"never sent\"; on its only connection, #0,"
            + " it received " + (long) LINES * LINE + " bytes");
  }

  @Test
  void datagramsShowTheNearestDatagramAndWhereItDiffers() throws IOException {
    try (UdpServer udp = UdpServer.create().withName("catalogue-udp").withTimeout(Duration.ofMillis(300)).start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      for (String payload : List.of("PING 1\r\n", "PONG 2\r\n", "PING 2\r\n")) {
        client.send(ByteBuffer.wrap(payload.getBytes(StandardCharsets.US_ASCII)), udp.address());
      }
      udp.awaitDatagrams(3);
      String message = bounded(fails(() -> udp.awaitReceived("PING 3\r\n")));
      has(message,
          "timed out after 300 ms waiting for UdpServer 'catalogue-udp' to receive a datagram of exactly \"PING 3\\r\\n\"",
          "#1 from /127.0.0.1:",
          "nearest: datagram #0 from /127.0.0.1:",
          " differs at offset 5 (expected 8 bytes, it has 8 bytes)\n"
              + "  expected   : \"PING 3\\r\\n\"\n"
              + "  datagram #0: \"PING 1\\r\\n\"\n"
              + " ".repeat(21) + "^\n");
    }
  }

  @Test
  void syslogShowsTheNearestMessageFirstAndNamesTheFieldThatDiffers() throws IOException {
    try (SyslogServer syslog = SyslogServer.create().withName("catalogue-syslog").start();
        AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      for (String text : List.of("<11>Nov 21 18:45:01 cron[7]: tick", "<11>Nov 21 18:45:02 backup[42]: disk fill")) {
        app.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), AFUNIXSocketAddress.of(syslog.path()));
      }
      syslog.awaitMessage(m -> m.index() == 1);
      AssertionFailedError failure = fails(() -> assertThat(syslog).hasMessage(
          SyslogMatcher.message().withAppName("backup").withText("disk full")));
      String message = bounded(failure);
      has(message,
          "SyslogServer 'catalogue-syslog' (UNIX_DATAGRAM) at ",
          " did not receive a message with app name \"backup\", text \"disk full\"; it received 2 messages,"
              + " nearest first:\n  #1 user.err backup[42] \"disk fill\"",
          "\n      differs in text: expected \"disk full\" but was \"disk fill\" (differs at column 7)\n  #0 ");
      has(failure.getActual().getStringRepresentation(), "#1 ", "text: expected \"disk full\" but was \"disk fill\"");
    }
  }

  @Test
  void anHttpBodyShowsTheRequestAndTheWindowAroundTheDifference() throws IOException {
    try (TcpServer server = TcpServer.create().withName("catalogue-http").start();
        Socket client = new Socket("127.0.0.1", server.port())) {
      String body = "{\"items\":[" + "\"abcdefghij\",".repeat(100_000) + "\"last\"]}";
      client.getOutputStream().write(("POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      HttpRequest request = HttpRequest.await(server, "POST", "/v1/items");
      String expected = body.replace("\"last\"", "\"least\"");
      AssertionFailedError failure = fails(() -> assertThat(request).hasBody(expected));
      String message = bounded(failure);
      has(message,
          "TcpServer 'catalogue-http' connection #0 request #0 (POST /v1/items HTTP/1.1) has a body that differs from the"
              + " expected at offset " + (body.length() - 6),
          "  body    : …\"",
          "body, as text:\n");
      assertTrue(failure.getActual().getStringRepresentation().contains("\\\"last\\\"]}"), "the IDE's actual is the window");
    }
  }

  @Test
  void aServerScriptStepNamesTheStepTheNearestMissAndTheReceivedText() throws IOException {
    TcpServer server = TcpServer.create().withName("catalogue-script")
        .withScript(Script.create().expectLine("HELLO server").sendLine("HI")).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.getOutputStream().write("HELLO servre\r\n".getBytes(StandardCharsets.US_ASCII));
      server.awaitConnection().awaitClosed();
    } finally {
      String message = bounded(fails(server::close));
      has(message,
          "TcpServer 'catalogue-script' connection #0: script step 1 of 2 failed: expect line \"HELLO server\"",
          "nearest miss: the line differs at column 11\n"
              + "    expected: \"HELLO server\"\n"
              + "    arrived : \"HELLO servre\"\n",
          "received, as text:\n    00000000  \"HELLO servre\\r\\n\"\n",
          "not run 2. send line \"HI\"");
    }
  }

  @Test
  void aPeerScriptStepNamesThePeerTheStepAndTheNearestMiss() {
    try (TcpServer program = TcpServer.create().withName("catalogue-program").withResponder(Responder.reply("+PONG\r\n")).start()) {
      TcpPeer peer = TcpPeer.to(program.port()).withName("catalogue-peer")
          .withScript(Script.create().sendLine("PING").expectLine("+PING")).start();
      String message = bounded(fails(peer::awaitFinished));
      has(message,
          "TcpPeer 'catalogue-peer' connection #0: script step 2 of 2 failed: expect line \"+PING\"",
          "nearest miss: the line differs at column 3",
          "received, as text:\n    00000000  \"+PONG\\r\\n\"\n");
      assertThrows(AssertionFailedError.class, peer::close, "close() reports the failure too");
    }
  }
}
