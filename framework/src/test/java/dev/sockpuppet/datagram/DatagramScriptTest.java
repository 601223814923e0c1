package dev.sockpuppet.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.behaviour.Script;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.opentest4j.AssertionFailedError;

/** Scripts played over datagrams: one whole datagram per expect, sends reply to its sender. */
class DatagramScriptTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aScriptAnswersEachRequestWithCapturesAndFinishes() throws IOException {
    Script script = Script.create()
        .expectLineMatching("GET (?<key>\\w+)").sendText("VALUE ${key}")
        .expectText("BYE").sendText("OK");
    try (UdpServer server = UdpServer.create().withName("kv-udp").withScript(script).start();
        DatagramSocket client = client()) {
      assertEquals("VALUE colour", exchange(client, server, "GET colour"));
      assertEquals("OK", exchange(client, server, "BYE"));
      server.verify();
      List<Datagram> all = server.datagrams();
      assertEquals(List.of("GET colour", "VALUE colour", "BYE", "OK"), all.stream().map(d -> d.bytes().text()).toList());
      assertEquals(Direction.SENT, all.get(1).direction());
      assertEquals(client.getLocalSocketAddress(), all.get(1).receiver());
    }
  }

  @Test
  void aDatagramThatDiffersFailsItsStepWithADumpAndLaterOnesAreStillRecorded() throws IOException {
    Script script = Script.create().expectText("HELLO").sendText("HI").expectText("BYE");
    UdpServer server = UdpServer.create().withName("greeter").withScript(script).start();
    try (DatagramSocket client = client()) {
      send(client, server, "HELLX");
      send(client, server, "after");
      server.awaitDatagrams(2);
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, server::close);
      String message = failure.getMessage();
      assertTrue(message.contains("UdpServer 'greeter': script step 1 of 3 failed: expect text \"HELLO\""), message);
      assertTrue(message.contains("why: the bytes differ at offset 4 of the expected 5 bytes"), message);
      assertTrue(message.contains("the datagram: #0 from /127.0.0.1:"), message);
      assertTrue(message.contains("48 45 4c 4c 58"), message);
      assertTrue(message.contains("FAILED 1. expect text \"HELLO\""), message);
      assertEquals(List.of("HELLX", "after"), server.datagrams().stream().map(d -> d.bytes().text()).toList(),
          "nothing is answered after the failure, and everything is recorded");
    } finally {
      server.close();
    }
  }

  @Test
  void anExpectTakesAWholeDatagram() throws IOException {
    UdpServer server = UdpServer.create().withName("whole").withScript(Script.create().expectText("AB")).start();
    try (DatagramSocket client = client()) {
      send(client, server, "ABC");
      server.awaitDatagram();
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(failure.getMessage().contains("why: the datagram is 3 bytes and the step took 2; an expect takes a whole datagram"),
          failure.getMessage());
    } finally {
      server.close();
    }
  }

  @Test
  void anUnfinishedScriptFailsVerifyWithTheStepsLeftUnlessAllowed() throws IOException {
    Script script = Script.create().expectText("one").sendText("1").expectText("two").sendText("2");
    UdpServer strict = UdpServer.create().withName("strict").withScript(script).start();
    try (DatagramSocket client = client()) {
      assertEquals("1", exchange(client, strict, "one"));
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, strict::verify);
      assertTrue(failure.getMessage().contains("UdpServer 'strict': the script did not finish; it was at step 3 of 4"),
          failure.getMessage());
      assertTrue(failure.getMessage().contains("3. expect text \"two\""), failure.getMessage());
    } finally {
      assertThrows(AssertionFailedError.class, strict::close);
    }
    try (UdpServer lenient = UdpServer.create().withScript(script).withUnfinishedScriptsAllowed().start()) {
      lenient.verify();
    }
  }

  @Test
  void aStepsTimeoutRunsFromTheStepBefore() throws IOException {
    Script script = Script.create().expectText("late").within(Duration.ofMillis(50));
    UdpServer server = UdpServer.create().withName("impatient").withScript(script).start();
    try (DatagramSocket client = client()) {
      long started = System.nanoTime();
      // Let the step's 50 ms pass on purpose; nothing is awaited here.
      Awaitility.await().pollDelay(Duration.ofMillis(120)).atMost(WAIT).until(() -> System.nanoTime() - started > 100_000_000L);
      send(client, server, "late");
      server.awaitDatagram();
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(failure.getMessage().contains("why: no datagram came within 50 ms (the step's timeout); the next one came after"),
          failure.getMessage());
    } finally {
      server.close();
    }
  }

  @Test
  void aLongPauseEndsAtOnceWhenTheFakeCloses() throws IOException {
    Script script = Script.create().expectText("go").pause(Duration.ofHours(1)).sendText("never");
    UdpServer server = UdpServer.create().withName("paused").withScript(script).start();
    try (DatagramSocket client = client()) {
      send(client, server, "go");
      server.awaitDatagram();
      AssertionFailedError failure = assertTimeoutPreemptively(WAIT, () -> assertThrows(AssertionFailedError.class, server::close));
      assertTrue(failure.getMessage().contains("the script did not finish"), failure.getMessage());
      assertEquals(1, server.datagrams().size(), "nothing was sent");
    } finally {
      server.close();
    }
  }

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix datagram sockets via junixsocket")
  void aSendAfterADatagramFromAnUnnamedSocketFailsSayingSo() throws IOException {
    UnixDatagramServer server =
        UnixDatagramServer.create().withName("nameless").withScript(Script.create().expectText("ping").sendText("pong")).start();
    try (AFUNIXDatagramChannel unbound = AFUNIXDatagramChannel.open()) {
      unbound.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.of(server.path()));
      server.awaitDatagram();
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(failure.getMessage().contains("script step 2 of 2 failed: send text \"pong\""), failure.getMessage());
      assertTrue(failure.getMessage().contains("came from a socket without an address"), failure.getMessage());
    } finally {
      server.close();
    }
  }

  @Test
  void stepsThatNeedAConnectionAreRefusedWhenConfigured() {
    assertEquals(
        "UdpServer 'udp'.withScript(…): step 2 (close) cannot be played by a datagram fake: datagrams have no"
            + " connection to close",
        assertThrows(IllegalArgumentException.class, () -> UdpServer.create().withScript(Script.create().expectText("a").close()))
            .getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> UdpServer.create().withScript(Script.create().sendText("hi")))
            .getMessage().contains("step 1 (send text \"hi\") cannot be played by a datagram fake: a datagram fake's script"
                + " starts with an expect"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> UdpServer.create().withScript(Script.create().expectText("a").expectEof()))
            .getMessage().contains("datagrams have no end of stream to expect"));
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  private static void send(DatagramSocket client, UdpServer server, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(bytes, bytes.length, server.address()));
  }

  private static String exchange(DatagramSocket client, UdpServer server, String text) throws IOException {
    send(client, server, text);
    DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
    client.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
  }
}
