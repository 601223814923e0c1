package dev.sockpuppet.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Drop, duplicate, truncate and delay, each way, on a UDP fake with a real client. */
class DatagramFaultTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void aDroppedReplyMakesTheClientRetryAndTheSecondAttemptIsAnswered() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.reply("pong"))
            .withFault(DatagramFault.drop().onDatagrams(0)).start();
        DatagramChannel client = client()) {
      client.send(text("ping"), server.address());
      assertEquals(null, receive(client, Duration.ofMillis(300)), "the first reply was dropped");
      client.send(text("ping"), server.address()); // the retry a client makes after its timeout
      assertEquals("pong", receive(client, BOUND));
      awaitCount(server, 3);
      List<Direction> directions = server.datagrams().stream().map(Datagram::direction).toList();
      assertEquals(List.of(Direction.RECEIVED, Direction.RECEIVED, Direction.SENT), directions,
          "the dropped reply never left, so it is not on record");
    }
  }

  @Test
  void droppedDatagramsFromTheProgramAreNeitherRecordedNorAnswered() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo())
            .withFault(DatagramFault.drop().fromProgram().onDatagrams(0, 2)).start();
        DatagramChannel client = client()) {
      for (String each : List.of("a", "b", "c", "d")) {
        client.send(text(each), server.address());
      }
      assertEquals("b", receive(client, BOUND));
      assertEquals("d", receive(client, BOUND));
      assertEquals(List.of("b", "d"), server.awaitDatagrams(2).stream().map(d -> d.bytes().text()).toList());
    }
  }

  @Test
  void duplicateSendsTheReplyTwiceAndRecordsBoth() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo())
            .withFault(DatagramFault.duplicate()).start();
        DatagramChannel client = client()) {
      client.send(text("once"), server.address());
      assertEquals("once", receive(client, BOUND));
      assertEquals("once", receive(client, BOUND));
      awaitCount(server, 3);
    }
  }

  @Test
  void duplicateFromTheProgramIsRecordedAndAnsweredTwice() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo())
            .withFault(DatagramFault.duplicate().fromProgram()).start();
        DatagramChannel client = client()) {
      client.send(text("x"), server.address());
      assertEquals(2, server.awaitDatagrams(2).size());
      assertEquals("x", receive(client, BOUND));
      assertEquals("x", receive(client, BOUND));
    }
  }

  @Test
  void truncateCutsEachWayAndTheShortestWins() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo())
            .withFaults(DatagramFault.truncate(6).fromProgram(), DatagramFault.truncate(4), DatagramFault.truncate(2))
            .start();
        DatagramChannel client = client()) {
      client.send(text("abcdefghij"), server.address());
      assertEquals("ab", receive(client, BOUND));
      assertEquals("abcdef", server.awaitDatagram().bytes().text());
      awaitCount(server, 2);
      assertEquals("ab", server.datagrams().get(1).bytes().text());
    }
  }

  @Test
  void delayHoldsTheReplyAtLeastTheDelay() throws IOException {
    Duration delay = Duration.ofMillis(150);
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo())
            .withFault(DatagramFault.delay(delay).withJitter(Duration.ofMillis(50))).start();
        DatagramChannel client = client()) {
      long began = System.nanoTime();
      client.send(text("late"), server.address());
      assertEquals("late", receive(client, BOUND));
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      assertTrue(took.compareTo(Duration.ofMillis(100)) >= 0, "at least the delay minus the jitter: " + took);
      awaitCount(server, 2);
      Duration recordedGap = server.datagrams().get(1).at().minus(server.datagrams().get(0).at());
      assertTrue(recordedGap.compareTo(Duration.ofMillis(100)) >= 0, "the reply is on record when it left: " + recordedGap);
    }
  }

  @Test
  void delayFromTheProgramDeliversLaterAndStopDoesNotWaitForHeldDatagrams() throws IOException {
    UdpServer server = UdpServer.create().withFault(DatagramFault.delay(Duration.ofMinutes(10)).fromProgram()).start();
    try (DatagramChannel client = client()) {
      client.send(text("held"), server.address());
    }
    long began = System.nanoTime();
    server.close();
    assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(BOUND) < 0, "close is bounded");
    assertEquals(List.of(), server.datagrams(), "a datagram still held when the fake stopped never arrived");
  }

  @Test
  void badFaultInputsSayWhatWasWrong() {
    assertThrows(IllegalArgumentException.class, () -> DatagramFault.truncate(-1));
    assertThrows(IllegalArgumentException.class, () -> DatagramFault.delay(Duration.ofMillis(-1)));
    IllegalArgumentException jitter = assertThrows(IllegalArgumentException.class,
        () -> DatagramFault.delay(Duration.ofMillis(10)).withJitter(Duration.ofMillis(20)));
    assertTrue(jitter.getMessage().contains("between 0 and the delay"), jitter.getMessage());
    assertThrows(IllegalStateException.class, () -> DatagramFault.drop().withJitter(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> DatagramFault.drop().onDatagrams());
    assertThrows(IllegalArgumentException.class, () -> DatagramFault.drop().onDatagrams(-1));
    assertEquals("truncate to 3 bytes from the program (datagrams 0, 4)",
        DatagramFault.truncate(3).fromProgram().onDatagrams(4, 0, 4).toString());
    IllegalStateException late = assertThrows(IllegalStateException.class, () -> {
      try (UdpServer running = UdpServer.create().start()) {
        running.withFault(DatagramFault.drop());
      }
    });
    assertTrue(late.getMessage().contains("before start()"), late.getMessage());
  }

  private static DatagramChannel client() throws IOException {
    DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    return channel;
  }

  private static ByteBuffer text(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next datagram's text, or null if none came within {@code within}. */
  private static String receive(DatagramChannel channel, Duration within) throws IOException {
    channel.socket().setSoTimeout((int) within.toMillis());
    DatagramPacket packet = new DatagramPacket(new byte[70_000], 70_000);
    try {
      channel.socket().receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  private static void awaitCount(DatagramServer server, int count) {
    List<Datagram> seen = new ArrayList<>();
    Awaitility.await("the fake to record " + count + " datagrams").atMost(BOUND).until(() -> {
      seen.clear();
      seen.addAll(server.datagrams());
      return seen.size() >= count;
    });
  }
}
