package dev.sockpuppet.internal.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recording describes datagrams too: whole, with both addresses, on the recording's clock. */
class TrafficRecordTest {
  @Test
  void aProcessExitIsRecordedAfterItsPipesClosedAndPipesHaveNoAddressInTheTranscript() {
    TrafficRecord traffic = new TrafficRecord("ProcessPipes 'sort'", Duration.ofSeconds(1), 1024);
    ConnectionRecord stdio = traffic.openConnection(null, null, null);
    assertTrue(stdio.event(ConnectionEvent.Kind.CLOSED, ConnectionEvent.Side.FAKE, ""));
    assertFalse(stdio.event(ConnectionEvent.Kind.HALF_CLOSED, ConnectionEvent.Side.PEER, ""), "the connection is over");
    assertTrue(stdio.event(ConnectionEvent.Kind.PROCESS_EXITED, ConnectionEvent.Side.PEER, "exit code 0"),
        "the process may exit after its pipes closed");
    String transcript = traffic.transcript();
    assertTrue(transcript.contains("the process exited (exit code 0)"), transcript);
    assertTrue(transcript.contains("ProcessPipes 'sort' connection #0: received 0 bytes, sent 0 bytes; the process exited"),
        transcript);
  }

  @Test
  void aDatagramOfTheMaximumSizeIsRecordedWholeWithSenderAndReceiver() throws IOException {
    TrafficRecord traffic = new TrafficRecord("UdpServer 'metrics'", Duration.ofSeconds(1), 1024);
    InetSocketAddress program = new InetSocketAddress("127.0.0.1", 40000);
    InetSocketAddress fake = new InetSocketAddress("127.0.0.1", 40001);
    byte[] largest = new byte[65_507];
    largest[0] = 1;
    largest[largest.length - 1] = 2;

    Datagram received = traffic.recordDatagram(Direction.RECEIVED, program, fake, ByteBuffer.wrap(largest));
    Datagram empty = traffic.recordDatagram(Direction.RECEIVED, program, fake, ByteBuffer.allocate(0));
    Datagram answer = traffic.recordDatagram(Direction.SENT, fake, program, ByteBuffer.wrap("ok".getBytes()));

    assertEquals(List.of(received, empty, answer), traffic.datagrams());
    assertEquals(largest.length, received.size(), "nothing is cut off, even past the memory limit");
    assertEquals(2, received.bytes().byteAt(largest.length - 1));
    assertTrue(traffic.usage().bytesSpilled() > 0, "past the in-memory limit it spilled");
    assertEquals(0, empty.size());
    assertEquals(List.of(0, 1, 2), traffic.datagrams().stream().map(Datagram::index).toList());
    assertEquals(program, received.sender());
    assertEquals(fake, received.receiver());
    assertFalse(answer.at().isNegative());
    assertTrue(traffic.startedAt().isBefore(Instant.now().plusSeconds(1)));
    traffic.recorder().release();
  }

  @Test
  void theTranscriptShowsDatagramsWithArrowsAndAddresses() throws IOException {
    TrafficRecord traffic = new TrafficRecord("UnixDatagramServer 'log'", Duration.ofSeconds(1), 1 << 20);
    traffic.recordDatagram(
        Direction.RECEIVED, null, UnixDomainSocketAddress.of("/tmp/log.sock"), ByteBuffer.wrap("<13>hi".getBytes()));
    String transcript = traffic.transcript().replaceAll(" +\\+\\d+\\.\\d{3}ms", " +T");
    assertEquals(
        "UnixDatagramServer 'log'\n"
            + " +T  <- datagram #0 received, 6 B, from an unnamed socket to /tmp/log.sock  \"<13>hi\"\n",
        transcript);
  }

  @Test
  void theTranscriptShowsSmallTextOnOneLineAndFoldsLongTextAndBinaryDumps() {
    TrafficRecord traffic = new TrafficRecord("TcpServer 'fold'", Duration.ofSeconds(1), 1 << 20);
    ConnectionRecord connection = traffic.openConnection(null, null, null);
    connection.beginSent(Bytes.of("+OK\r\n"));
    connection.beginSent(Bytes.of("line of text\n".repeat(400)));
    byte[] binary = new byte[1000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 7);
    }
    connection.beginSent(Bytes.of(binary));
    String transcript = traffic.transcript().replaceAll(" +\\+\\d+\\.\\d{3}ms", " +T");
    assertTrue(transcript.startsWith("TcpServer 'fold'\nTcpServer 'fold' connection #0: received 0 bytes,"
        + " sent 6205 bytes in 3 chunks; open\n +T  opened\n +T  -> 5 B at 0  \"+OK\\r\\n\"\n +T  -> 5200 B at 5\n"
        + "                00000005  \"line of text\\n\"\n"), transcript);
    assertTrue(transcript.contains("\n                … 4816 bytes …\n"), "text folded: " + transcript);
    assertTrue(transcript.contains(" +T  -> 1000 B at 5205\n                00001455  00 07 0e 15"), transcript);
    assertTrue(transcript.contains("\n                … 896 bytes …\n"), "hex folded: " + transcript);
    assertTrue(transcript.length() < 4000, () -> transcript.length() + " characters: " + transcript);
    traffic.recorder().release();
  }

  @Test
  void aTranscriptOfManyConnectionsShowsTheFirstAndLastHundred() {
    TrafficRecord traffic = new TrafficRecord("TcpServer 'busy'", Duration.ofSeconds(1), 1 << 20);
    for (int i = 0; i < 250; i++) {
      traffic.openConnection(null, null, null).beginSent(Bytes.of("hi " + i + "\n"));
    }
    String transcript = traffic.transcript();
    assertTrue(transcript.contains("connection #99: ") && transcript.contains("connection #150: "), transcript);
    assertFalse(transcript.contains("connection #100: ") || transcript.contains("connection #149: "), transcript);
    assertTrue(transcript.contains("\n… 50 connections (#100 to #149) not shown\n"), transcript);
    traffic.recorder().release();
  }

  @Test
  void aConnectionKnowsBothAddressesAndWhenItOpened() {
    TrafficRecord traffic = new TrafficRecord("TcpServer 'api'", Duration.ofSeconds(1), 1 << 20);
    InetSocketAddress local = new InetSocketAddress("127.0.0.1", 5000);
    InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 6000);
    Instant before = Instant.now();
    ConnectionRecord connection = traffic.openConnection(local, peer, null);
    assertEquals(local, connection.localAddress());
    assertEquals(peer, connection.peerAddress());
    assertFalse(connection.openedAt().isBefore(before.minusMillis(1)), "opened at wall-clock time");
    assertEquals("TcpServer 'api' connection #0", connection.toString());
    assertEquals(connection, traffic.connection(0));
  }
}
