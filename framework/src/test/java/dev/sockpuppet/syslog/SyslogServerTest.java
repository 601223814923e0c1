package dev.sockpuppet.syslog;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.opentest4j.AssertionFailedError;

/** SyslogServer on each transport with plain Java senders: what it parses, keeps, waits for and says. */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix sockets")
class SyslogServerTest {
  private static final String RFC5424 =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource="
          + "\"Application\" eventID=\"1011\"] An application event log entry...";

  @Test
  void unixDatagramIsTheDefaultAndParsesEachDatagram() throws IOException {
    try (SyslogServer syslog = SyslogServer.create().withName("devlog").start();
        AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      assertEquals(SyslogTransport.UNIX_DATAGRAM, syslog.transport());
      send(app, syslog, "<11>Nov 21 18:45:01 myapp[42]: disk full");
      send(app, syslog, RFC5424);
      List<SyslogMessage> messages = syslog.awaitMessages(2);
      SyslogMessage first = messages.get(0);
      assertEquals(Facility.USER, first.facility());
      assertEquals(Severity.ERROR, first.severity());
      assertEquals("myapp", first.appName().orElseThrow());
      assertEquals("42", first.procId().orElseThrow());
      assertEquals("disk full", first.message());
      assertEquals(SyslogFormat.RFC3164, first.format());
      SyslogMessage second = messages.get(1);
      assertEquals(SyslogFormat.RFC5424, second.format());
      assertEquals("1011", second.sdParam("exampleSDID@32473", "eventID").orElseThrow());
      assertEquals(List.of(0, 1), messages.stream().map(SyslogMessage::index).toList());
      assertEquals(2, syslog.traffic().datagrams().size(), "the bytes are on record too");
      assertTrue(syslog.traffic().transcript().contains("SyslogServer 'devlog'"), syslog.traffic().transcript());
    }
  }

  @Test
  void unparseableAndInvalidUtf8MessagesAreKeptWithTheirBytes() throws IOException {
    byte[] invalid = {'<', '1', '3', '>', 'x', ' ', (byte) 0xC3, (byte) 0x28};
    try (SyslogServer syslog = SyslogServer.create().start(); AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      send(app, syslog, "<999>bad pri");
      app.send(ByteBuffer.wrap(invalid), AFUNIXSocketAddress.of(syslog.path()));
      List<SyslogMessage> messages = syslog.awaitMessages(2);
      assertEquals(SyslogFormat.UNPARSED, messages.get(0).format());
      assertEquals("<999>bad pri", messages.get(0).raw().text());
      assertTrue(messages.get(0).parseError().orElseThrow().contains("out of range"), messages.get(0).toString());
      assertArrayEquals(invalid, messages.get(1).raw().toByteArray());
      assertFalse(messages.get(1).messageIsUtf8());
      AssertionFailedError unparsed = assertThrows(AssertionFailedError.class, () -> assertThat(syslog).hasNoUnparsedMessages());
      assertTrue(unparsed.getMessage().contains("out of range"), unparsed.getMessage());
    }
  }

  @Test
  void a64KibMessageAndA100kFloodArriveWholeAndInOrder() throws IOException {
    byte[] big = new byte[64 * 1024];
    Arrays.fill(big, (byte) 'a');
    System.arraycopy("<13>big: ".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 9);
    int flood = 100_000;
    try (SyslogServer syslog = SyslogServer.create().withTimeout(Duration.ofSeconds(60)).start();
        AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      app.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 256 * 1024);
      AFUNIXSocketAddress target = AFUNIXSocketAddress.of(syslog.path());
      app.send(ByteBuffer.wrap(big), target);
      for (int i = 0; i < flood; i++) {
        app.send(ByteBuffer.wrap(("<14>flood[1]: message " + i).getBytes(StandardCharsets.US_ASCII)), target);
      }
      List<SyslogMessage> messages = syslog.awaitMessages(flood + 1);
      assertArrayEquals(big, messages.get(0).raw().toByteArray());
      assertEquals(64 * 1024 - 9, messages.get(0).messageBytes().size());
      for (int i = 0; i < flood; i++) {
        assertEquals("message " + i, messages.get(i + 1).message(), "message #" + (i + 1));
      }
      syslog.verify();
    }
  }

  @Test
  void unixStreamSplitsRecordsAtNulAndLfPerConnection() throws IOException {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UNIX_STREAM).start();
        SocketChannel a = SocketChannel.open(syslog.address());
        SocketChannel b = SocketChannel.open(syslog.address())) {
      a.write(ascii("<13>Nov 21 18:45:01 one: first\0<13>Nov 21 18:45:01 one: sec"));
      b.write(ascii("<13>Nov 21 18:45:01 two: other\n"));
      a.write(ascii("ond\0"));
      assertThat(syslog).eventually().hasMessageCount(3)
          .hasMessage(SyslogMatcher.message().withAppName("one").withText("second"))
          .hasMessage(SyslogMatcher.message().withAppName("two").withText("other"));
    }
  }

  @Test
  void tcpDetectsOctetCountingAndLfFramingPerConnection() throws IOException {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.TCP).start();
        Socket counted = new Socket("127.0.0.1", syslog.port());
        Socket lines = new Socket("127.0.0.1", syslog.port())) {
      String withNewline = "<13>1 - host app - - - line one\nstill one";
      byte[] frame = withNewline.getBytes(StandardCharsets.UTF_8);
      OutputStream out = counted.getOutputStream();
      out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.write(frame);
      out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.write(frame);
      out.flush();
      lines.getOutputStream().write("<13>Nov 21 18:45:01 host lf: framed\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(syslog).eventually().hasMessageCount(3)
          .hasMessage(SyslogMatcher.message().withText("line one\nstill one").withFormat(SyslogFormat.RFC5424))
          .hasMessage(SyslogMatcher.message().withAppName("lf").withText("framed").withHostname("host"));
    }
  }

  @Test
  void aStreamRecordLongerThanTheMaximumIsKeptCutWithAParseError() throws IOException {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.TCP).withMaxMessageSize(100).start();
        Socket client = new Socket("127.0.0.1", syslog.port())) {
      client.getOutputStream().write(("<13>long: " + "x".repeat(500) + "\n<13>short: ok\n").getBytes(StandardCharsets.US_ASCII));
      List<SyslogMessage> messages = syslog.awaitMessages(2);
      assertEquals(100, messages.get(0).raw().size());
      assertTrue(messages.get(0).parseError().isPresent(), messages.get(0).toString());
      assertEquals("ok", messages.get(1).message());
    }
  }

  @Test
  void udpRecordsTheSenderOfEachMessage() throws IOException {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start();
        DatagramChannel app = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      app.send(ascii("<134>Nov 21 18:45:01 web nginx: GET /"), new InetSocketAddress("127.0.0.1", syslog.port()));
      SyslogMessage message = syslog.awaitMessage(SyslogMatcher.message().withFacility(Facility.LOCAL0));
      assertEquals(Severity.INFORMATIONAL, message.severity());
      assertEquals(app.getLocalAddress(), message.sender().orElseThrow());
      assertEquals("web", message.hostname().orElseThrow());
    }
  }

  @Test
  void aFailedAssertionListsWhatArrivedNearestFirstAndNamesTheFieldThatDiffered() throws IOException {
    try (SyslogServer syslog = SyslogServer.create().withName("app-log").start(); AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      send(app, syslog, "<14>Nov 21 18:45:01 other[1]: unrelated");
      send(app, syslog, "<12>Nov 21 18:45:01 backup[7]: disk full");
      syslog.awaitMessages(2);
      AssertionFailedError error = assertThrows(AssertionFailedError.class, () -> assertThat(syslog).hasMessage(
          SyslogMatcher.message().withSeverity(Severity.ERROR).withAppName("backup").withTextContaining("disk")));
      String text = error.getMessage();
      assertTrue(text.startsWith("SyslogServer 'app-log' (UNIX_DATAGRAM) at"), text);
      int nearest = text.indexOf("backup[7]");
      int other = text.indexOf("other[1]");
      assertTrue(nearest > 0 && other > nearest, "the nearest message comes first: " + text);
      assertTrue(text.contains("severity: expected err but was \"warning\""), text);
      assertFalse(text.contains("app name: expected"), "only differing fields are named: " + text);
    }
  }

  @Test
  void awaitingAMatcherSaysWhatItAwaitedAndShowsTheNearestMessageFirst() throws IOException {
    try (SyslogServer syslog = SyslogServer.create().withName("waits").withTimeout(Duration.ofMillis(200)).start();
        AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      send(app, syslog, "<14>Nov 21 18:45:01 far[1]: nothing alike");
      send(app, syslog, "<11>Nov 21 18:45:01 near[2]: almost");
      syslog.awaitMessages(2);
      AssertionFailedError error = assertThrows(AssertionFailedError.class,
          () -> syslog.awaitMessage(SyslogMatcher.message().withSeverity(Severity.ERROR).withAppName("nearer")));
      String text = error.getMessage();
      assertTrue(text.contains("to receive a message with severity err, app name \"nearer\""), text);
      assertTrue(text.indexOf("near[2]") < text.indexOf("far[1]"), "nearest first: " + text);
    }
  }

  @Test
  void waitingInVainNamesTheServerAndTheHint() {
    try (SyslogServer syslog = SyslogServer.create().withName("quiet").withTimeout(Duration.ofMillis(150)).start()) {
      AssertionFailedError error = assertThrows(AssertionFailedError.class,
          () -> syslog.awaitMessage("a message from cron", m -> m.appName().equals(java.util.Optional.of("cron"))));
      assertTrue(error.getMessage().contains("waiting for SyslogServer 'quiet' to receive a message from cron"), error.getMessage());
      assertTrue(error.getMessage().contains("Protocol wrong type for socket"), error.getMessage());
    }
  }

  @Test
  void aStreamClientCannotConnectToTheDatagramDefault() {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      IOException error = assertThrows(IOException.class,
          () -> SocketChannel.open(StandardProtocolFamily.UNIX).connect(syslog.address()));
      assertTrue(String.valueOf(error.getMessage()).contains("Protocol wrong type"), String.valueOf(error.getMessage()));
    }
  }

  @Test
  void aRestartBeginsAFreshListOfMessagesAndStopRemovesTheSocket() throws IOException {
    SyslogServer syslog = SyslogServer.create();
    try (AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      syslog.start();
      Path first = syslog.path();
      send(app, syslog, "<13>one");
      syslog.awaitMessage();
      syslog.stop();
      assertFalse(Files.exists(first));
      assertEquals(1, syslog.messages().size(), "readable after stop");
      syslog.start();
      assertEquals(List.of(), syslog.messages());
      send(app, syslog, "<13>two");
      assertEquals("two", syslog.takeMessage().message());
    } finally {
      syslog.close();
    }
  }

  @Test
  void aMessageWhoseRecordSpilledAnswersEveryAccessorAfterTheFakeClosed() throws IOException {
    String[] records = {
      RFC5424,
      "<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\"][p@1 class=\"h\\]i\"] text",
      "<11>Nov 21 18:46:12 myapp[31047]: hello local",
      "<13>Nov  1 08:05:01 vm myapp: hello 3164",
      "<14>myapp[42]: with ident\0",
      "<999>broken \u00e9\n",
    };
    List<SyslogMessage> messages;
    List<Datagram> datagrams;
    // A limit of 0 sends every recorded byte to the spill file, which close() deletes.
    SyslogServer syslog = SyslogServer.create().withName("spilling").withMemoryLimit(0).start();
    try (AFUNIXDatagramChannel app = AFUNIXDatagramChannel.open()) {
      for (String record : records) {
        send(app, syslog, record);
      }
      messages = syslog.awaitMessages(records.length);
      datagrams = syslog.traffic().datagrams();
    } finally {
      syslog.close();
    }
    assertThrows(IllegalStateException.class, () -> datagrams.get(0).bytes().toByteArray(), "the spill file is gone");
    for (int i = 0; i < records.length; i++) {
      SyslogMessage m = messages.get(i);
      SyslogMessage expected = SyslogMessage.parse(Bytes.of(records[i]));
      List<Object> actual = new ArrayList<>(SyslogFuzzTest.accessors(m));
      List<Object> reference = new ArrayList<>(SyslogFuzzTest.accessors(expected));
      // index, sender, at, toString (which starts with the index) and the hash (over index and at)
      // are the server's; the rest is the record's.
      for (int field : new int[] {0, 17, 18, 19, 20}) {
        actual.set(field, null);
        reference.set(field, null);
      }
      assertEquals(reference, actual, records[i]);
      assertEquals(expected.toString().replaceFirst("^#0 ", "#" + i + " "), m.toString());
      assertEquals(i, m.index());
      assertEquals(Bytes.of(records[i]), m.raw());
    }
  }

  @Test
  void configurationForTheOtherKindOfSocketFailsAndSaysWhy() {
    IllegalStateException port = assertThrows(IllegalStateException.class, () -> SyslogServer.create().withPort(514));
    assertTrue(port.getMessage().contains("withPort(…) configures a UDP or TCP socket"), port.getMessage());
    IllegalStateException path = assertThrows(IllegalStateException.class,
        () -> SyslogServer.create(SyslogTransport.UDP).withPath(Path.of("/tmp/x.sock")));
    assertTrue(path.getMessage().contains("listens on UDP"), path.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyslogServer.create().withMaxMessageSize(0));
    IllegalStateException before = assertThrows(IllegalStateException.class, () -> SyslogServer.create().path());
    assertTrue(before.getMessage().contains("SyslogServer 'syslog'.path() is only known once the fake runs"), before.getMessage());
  }

  @Test
  void theMatcherIsAPredicateAndDescribesItself() {
    SyslogMessage message = SyslogMessage.parse(Bytes.of(RFC5424));
    SyslogMatcher matcher = SyslogMatcher.message().withFacility(Facility.LOCAL4).withSeverity(Severity.NOTICE)
        .withHostname("mymachine.example.com").withAppName("evntslog").withMsgId("ID47")
        .withSdParam("exampleSDID@32473", "iut", "3").withTextMatching("log entry\\.+$").withoutParseError();
    assertTrue(matcher.test(message), matcher.mismatches(message).toString());
    assertEquals(List.of("procid: expected \"9\" but there is none"),
        SyslogMatcher.message().withProcId(9).mismatches(message));
    assertEquals("a message with severity err, text containing \"x\"",
        SyslogMatcher.message().withSeverity(Severity.ERROR).withTextContaining("x").toString());
  }

  private static void send(AFUNIXDatagramChannel app, SyslogServer syslog, String text) throws IOException {
    app.send(ascii(text), AFUNIXSocketAddress.of(syslog.path()));
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
