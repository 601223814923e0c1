package dev.sockpuppet.junit;

import static dev.sockpuppet.junit.PacketFault.Type.DELAY;
import static dev.sockpuppet.junit.PacketFault.Type.DROP;
import static dev.sockpuppet.junit.PacketFault.Type.TRUNCATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.junit.TestKit.Mode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code faults = @PacketFault(…)} on the datagram-server annotations: real clients see them; misuse is explained. */
class PacketFaultAttributeTest {
  private static final String MISUSE = "on method dev.sockpuppet.junit.PacketFaultAttributeTest$Misuse.";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void realClientsMeetTheDeclaredFaults(Mode mode) {
    checkFaults(mode);
  }

  @Test
  void anInvalidFaultNamesTheAnnotationTheFaultAndWhatToChange() {
    TestKit kit = TestKit.run(Misuse.class, Mode.SEQUENTIAL);
    Map<String, String> expected = Map.of(
        "truncateWithoutBytes(UdpServer)",
        "@WithUdpServer 'udp' " + MISUSE + "truncateWithoutBytes() has faults[0] = TRUNCATE without bytes, which TRUNCATE "
            + "needs; set bytes = 100 (bytes)",
        "dropWithDelay(UnixDatagramServer)",
        "@WithUnixDatagramServer 'unixgram' " + MISUSE + "dropWithDelay() has faults[1] = DROP with delay, which DROP "
            + "does not use; remove delay (see PacketFault for the attributes of each type)",
        "jitterAboveDelay(UdpServer)",
        "@WithUdpServer 'udp' " + MISUSE + "jitterAboveDelay() has an invalid faults[0]: a jitter must be between 0 and "
            + "the delay (PT0.05S) so that no delay is negative, got PT0.1S",
        "negativeIndex(UdpServer)",
        "@WithUdpServer 'udp' " + MISUSE + "negativeIndex() has an invalid faults[0]: datagram indexes start at 0, got -1");
    kit.assertConfigurationFailures(expected);
  }

  static void checkFaults(Mode mode) {
    TestKit kit = TestKit.run(Faulty.class, mode);
    assertEquals(Optional.empty(), kit.problems());
    assertEquals(2, kit.tests().size());
  }

  @Fixture
  static class Faulty {
    @Test
    @WithUdpServer(responder = ResponderType.ECHO, faults = @PacketFault(type = DROP, datagrams = 0))
    void losesTheFirstReplyOnly(UdpServer server) throws IOException {
      try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        client.setSoTimeout(10_000);
        for (String text : List.of("one", "two")) {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          client.send(new DatagramPacket(bytes, bytes.length, server.address()));
        }
        // Loopback keeps the order: had the first reply left, it would come first.
        DatagramPacket reply = new DatagramPacket(new byte[100], 100);
        client.receive(reply);
        assertEquals("two", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
      }
      List<Datagram> sent = server.traffic().datagrams().stream().filter(d -> d.direction() == Direction.SENT).toList();
      assertEquals(List.of("two"), sent.stream().map(d -> d.bytes().text()).toList(), "a lost reply is not on record");
    }

    @Test
    @WithUnixDatagramServer(faults = @PacketFault(type = TRUNCATE, bytes = 3, fromProgram = true))
    void cutsWhatTheProgramSends(UnixDatagramServer server) {
      Clients.sendUnixDatagram(server.path(), "abcdef");
      assertEquals("abc", server.awaitDatagram().bytes().text());
    }
  }

  @Fixture
  static class Misuse {
    @Test
    @WithUdpServer(faults = @PacketFault(type = TRUNCATE))
    void truncateWithoutBytes(UdpServer server) {}

    @Test
    @WithUnixDatagramServer(faults = {@PacketFault(type = DELAY, delay = "1ms"), @PacketFault(type = DROP, delay = "1ms")})
    void dropWithDelay(UnixDatagramServer server) {}

    @Test
    @WithUdpServer(faults = @PacketFault(type = DELAY, delay = "50ms", jitter = "100ms"))
    void jitterAboveDelay(UdpServer server) {}

    @Test
    @WithUdpServer(faults = @PacketFault(type = DROP, datagrams = -1))
    void negativeIndex(UdpServer server) {}
  }
}
