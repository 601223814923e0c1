package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ExternalTools.Result;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Faults as the clients users really have see them: curl, nc and socat. */
class FaultRealClientsTest {
  private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "curl --unix-socket")
  void curlTimesOutAgainstAStalledUnixSocketServer() throws Exception {
    try (UnixSocketServer docker =
        UnixSocketServer.create().withName("stalled-docker").withResponder(Responder.replyAndClose(RESPONSE))
            .withFault(Fault.stall()).start()) {
      Result curl = ExternalTools.run(
          List.of("curl", "--silent", "--show-error", "--max-time", "2", "--unix-socket", docker.path().toString(),
              "http://localhost/version"),
          "");
      assertEquals(28, curl.exitCode(), "curl's \"operation timed out\": " + curl.stderr());
      assertTrue(curl.stderr().contains("timed out"), curl.stderr());
      assertThat(docker.awaitConnection().awaitReceived("\r\n\r\n")).receivedContaining("GET /version HTTP/1.1\r\n");
    } // and close() reports no problem: the held reply is the fault's doing
  }

  @Test
  void curlTimesOutAgainstAStalledTcpServer() throws Exception {
    try (TcpServer server =
        TcpServer.create().withResponder(Responder.replyAndClose(RESPONSE)).withFault(Fault.stall()).start()) {
      Result curl = ExternalTools.run(
          List.of("curl", "--silent", "--show-error", "--max-time", "2", "http://" + server.hostAndPort() + "/"), "");
      assertEquals(28, curl.exitCode(), curl.stderr());
      assertThat(server.awaitConnection()).sentNothing(); // the held reply is not on record as sent
    }
  }

  @Test
  void curlSeesConnectionResetFromResetAfter() throws Exception {
    try (TcpServer server =
        TcpServer.create().withResponder(Responder.reply(RESPONSE)).withFault(Fault.resetAfter(9)).start()) {
      Result curl = ExternalTools.run(
          List.of("curl", "--silent", "--show-error", "--max-time", "10", "http://" + server.hostAndPort() + "/"), "");
      assertEquals(56, curl.exitCode(), "curl's \"failure in receiving network data\": " + curl.stderr());
      assertTrue(curl.stderr().contains("reset"), curl.stderr());
      assertThat(server.awaitConnection().awaitClosed()).sentExactly("HTTP/1.1 ").wasReset();
    }
  }

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "nc -U")
  void ncReceives100KibSlicedIntoSevenBytePiecesIntact() throws Exception {
    String reply = FaultTest.text(100 * 1024);
    try (UnixSocketServer server =
        UnixSocketServer.create().withResponder(Responder.replyAndClose(reply)).withFault(Fault.slice(7, Duration.ZERO))
            .start()) {
      Result nc = ExternalTools.run(List.of("nc", "-N", "-U", server.path().toString()), "go\n");
      assertEquals(0, nc.exitCode(), nc.stderr());
      assertEquals(reply, nc.stdout());
      assertThat(server.awaitConnection().awaitClosed()).sentExactly(reply);
    }
  }

  @Test
  void socatReceivesSlicesWithPausesIntact() throws Exception {
    String reply = FaultTest.text(14 * 1024);
    try (TcpServer server =
        TcpServer.create().withResponder(Responder.replyAndClose(reply))
            .withFault(Fault.slice(7, Duration.ofNanos(100_000))).start()) {
      Result socat = ExternalTools.run(List.of("socat", "-t", "5", "-", "TCP:" + server.hostAndPort()), "go\n");
      assertEquals(0, socat.exitCode(), socat.stderr());
      assertEquals(reply, socat.stdout());
      assertThat(server.awaitConnection().awaitClosed()).sentExactly(reply);
    }
  }

  @Test
  void ncReadsExactlyTheBytesBeforeCloseAfterThenTheEnd() throws Exception {
    try (TcpServer server =
        TcpServer.create().withResponder(Responder.reply("0123456789ABCDEF")).withFault(Fault.closeAfter(10)).start()) {
      Result nc = ExternalTools.run(List.of("nc", "127.0.0.1", String.valueOf(server.port())), "go\n");
      assertEquals(0, nc.exitCode(), nc.stderr());
      assertEquals("0123456789", nc.stdout());
      Connection connection = server.awaitConnection().awaitClosed();
      assertThat(connection).sentExactly("0123456789");
      assertEquals(6, connection.undeliveredBytes());
    }
  }
}
