package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.peer.TcpPeer;
import dev.sockpuppet.peer.UnixSocketPeer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Client peers: scripts that connect to the program under test, which is the server. */
class PeerTest {
  private static final LineRules KV =
      LineRules.create().whenMatches("SET (\\w+) (\\w+)").reply("OK").whenMatches("GET (\\w+)").reply("VALUE $1");

  @Test
  void aTcpPeerPlaysItsScriptAgainstAServerAndRecordsTheConversation() {
    try (TcpServer program = TcpServer.create().withName("kv").withResponder(Responder.lines(KV)).start();
        TcpPeer client =
            TcpPeer.to(program.port())
                .withName("client")
                .withScript(Script.create().sendLine("SET a 1").expectLine("OK").sendLine("GET a")
                    .expectLineMatching("VALUE (\\w+)").sendLine("SET b ${1}").expectLine("OK"))
                .start()) {
      client.awaitFinished();
      assertThat(client.connection().awaitClosed())
          .sentExactly("SET a 1\nGET a\nSET b a\n")
          .receivedExactly("OK\nVALUE a\nOK\n");
      assertEquals(program.awaitConnection().localAddress(), client.connection().peerAddress());
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aUnixSocketPeerWaitsUntilTheProgramListens(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("late.sock");
    UnixSocketPeer client =
        UnixSocketPeer.to(socket).withName("early").withScript(Script.create().sendLine("SET a 1").expectLine("OK"));
    // The program is not listening yet (its socket file does not even exist): start() retries.
    CompletableFuture<UnixSocketPeer> started = CompletableFuture.supplyAsync(client::start);
    try (UnixSocketServer program = UnixSocketServer.create().withPath(socket).withResponder(Responder.lines(KV)).start()) {
      assertEquals(client, started.get(10, TimeUnit.SECONDS));
      client.awaitFinished();
      assertThat(program.awaitConnection()).eventually().receivedExactly("SET a 1\n");
    } finally {
      client.close();
    }
    assertTrue(Files.notExists(socket));
  }

  @Test
  void nothingListeningFailsStartWithinTheTimeoutNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    TcpPeer client = TcpPeer.to(port).withName("nobody-home").withTimeout(Duration.ofMillis(300));
    long started = System.nanoTime();
    UncheckedIOException error = assertThrows(UncheckedIOException.class, client::start);
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    assertTrue(error.getMessage().contains("TcpPeer 'nobody-home' could not start: nothing accepted a connection at 127.0.0.1:"
        + port + " within 300 ms"), error.getMessage());
    assertTrue(error.getMessage().contains("is the program under test started and listening there?"), error.getMessage());
    assertEquals(false, client.isRunning());
  }

  @Test
  void aFailedStepIsThrownByAwaitFinishedNamingThePeerAndTheStep() {
    try (TcpServer program = TcpServer.create().withResponder(Responder.lines(KV)).start()) {
      TcpPeer client =
          TcpPeer.to(program.port()).withName("checker")
              .withScript(Script.create().sendLine("GET a").expectLine("VALUE b").sendLine("QUIT")).start();
      AssertionFailedError error = assertThrows(AssertionFailedError.class, client::awaitFinished);
      assertTrue(error.getMessage().contains("TcpPeer 'checker' connection #0: script step 2 of 3 failed: expect line \"VALUE b\""),
          error.getMessage());
      assertTrue(error.getMessage().contains("nearest miss: the line differs at column 7\n"
          + "    expected: \"VALUE b\"\n"
          + "    arrived : \"VALUE a\"\n"
          + "                     ^\n"), error.getMessage());
      assertThrows(AssertionFailedError.class, client::close, "close() reports the failure too");
    }
  }

  @Test
  void awaitFinishedOnAScriptThatWaitsListsTheStepsLeft() {
    try (TcpServer program = TcpServer.create().start()) {
      TcpPeer client = TcpPeer.to(program.port()).withScript(Script.create().sendLine("hi").expectLine("never")).start();
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class, () -> client.awaitFinished(Duration.ofMillis(200)));
      assertTrue(error.getMessage().startsWith("TcpPeer 'tcp-peer' did not finish within 200 ms"), error.getMessage());
      assertTrue(error.getMessage().contains("it was at step 2 of 2"), error.getMessage());
      assertThrows(AssertionFailedError.class, client::close);
      TcpPeer lenient =
          TcpPeer.to(program.port()).withScript(Script.create().expectLine("never")).withUnfinishedScriptsAllowed().start();
      lenient.close();
    }
  }

  @Test
  void severalNamedPeersPutAServerUnderConcurrentClients() {
    int clients = 8;
    try (TcpServer program = TcpServer.create().withResponder(Responder.lines(KV)).start()) {
      List<TcpPeer> peers = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) {
          peers.add(TcpPeer.to(program.port()).withName("client-" + i)
              .withScript(Script.create().sendLine("SET k" + i + " v").expectLine("OK").sendLine("GET k" + i)
                  .expectLine("VALUE k" + i)));
        }
        peers.forEach(TcpPeer::start);
        peers.forEach(TcpPeer::awaitFinished);
        program.awaitConnections(clients);
        for (TcpPeer peer : peers) {
          assertThat(peer.connection()).receivedExactly("OK\nVALUE k" + peer.name().substring(7) + "\n");
        }
      } finally {
        peers.forEach(TcpPeer::close);
      }
    }
  }

  @Test
  void aPeerHalfClosesAndStillReadsWhatTheServerSendsAfterEndOfStream() throws Exception {
    try (ServerSocket program = new ServerSocket(0)) {
      CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = program.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
          String request = in.readLine();
          String end = in.readLine();
          socket.getOutputStream().write(("got " + request + ", then " + end + "\n").getBytes(StandardCharsets.UTF_8));
          return request;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (TcpPeer client = TcpPeer.to(program.getLocalPort())
          .withScript(Script.create().sendLine("report").halfClose().expectLine("got report, then null").expectEof())
          .start()) {
        client.awaitFinished();
        assertEquals("report", served.get(10, TimeUnit.SECONDS));
        assertThat(client.connection()).isFakeHalfClosed();
      }
    }
  }

  @Test
  void aRestartedPeerConnectsAgainWithAFreshRecording() {
    try (TcpServer program = TcpServer.create().withResponder(Responder.echo()).start();
        TcpPeer client = TcpPeer.to(program.port()).withScript(Script.create().sendText("ab").expectText("ab")).start()) {
      client.awaitFinished();
      Connection first = client.connection();
      client.stop();
      client.start().awaitFinished();
      assertNotEquals(first.localAddress(), client.connection().localAddress());
      assertEquals(1, client.traffic().connections().size());
      program.awaitConnections(2);
    }
  }

  @Test
  void aPeerWithFaultsSendsInSlicesAndResetsAfterNBytes() throws Exception {
    try (TcpServer program = TcpServer.create().withResponder(Responder.lines(KV)).start();
        TcpPeer sliced = TcpPeer.to(program.port()).withName("sliced")
            // 20 ms between pieces (8 pieces, 140 ms in all): a busy CI machine may hold the server's
            // reader back for a few milliseconds, and with 1 ms all the pieces could wait in one read.
            .withFault(Fault.slice(2, Duration.ofMillis(20)))
            .withScript(Script.create().sendLine("SET sliced yes").expectLine("OK"))
            .start()) {
      sliced.awaitFinished();
      Connection served = program.awaitConnection();
      assertThat(served).eventually().receivedExactly("SET sliced yes\n");
      assertTrue(served.chunks(Direction.RECEIVED).size() > 1, () -> served.transcript());
      assertThat(sliced.connection()).sentExactly("SET sliced yes\n");
    }
    try (TcpServer program = TcpServer.create().start();
        TcpPeer cut = TcpPeer.to(program.port()).withName("cut")
            .withFault(Fault.resetAfter(4))
            .withScript(Script.create().sendText("abcdefgh").stall())
            .start()) {
      Connection served = program.awaitConnection().awaitClosed();
      assertThat(served).receivedExactly("abcd").wasResetBy(ConnectionEvent.Side.PEER);
      assertThat(cut.connection()).sentExactly("abcd").wasResetBy(ConnectionEvent.Side.FAKE);
    }
  }

  @Test
  void peersRejectBadTargets() {
    assertThrows(IllegalArgumentException.class, () -> TcpPeer.to(0));
    assertThrows(IllegalArgumentException.class, () -> TcpPeer.to(70000));
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> UnixSocketPeer.to(Path.of("/tmp/" + "x".repeat(120))));
    assertTrue(tooLong.getMessage().contains("a Unix socket address holds at most 107"), tooLong.getMessage());
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> TcpPeer.to(1).connection());
    assertTrue(early.getMessage().contains("call start() first"), early.getMessage());
  }
}
