package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ExternalTools.Result;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The clients users really point at fakes: nc, socat and curl. */
class RealClientsTest {
  @Test
  void ncSendsToAUnixSocketServer() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withName("nc-target").start()) {
      Result nc = ExternalTools.run(List.of("nc", "-N", "-U", server.path().toString()), "hello from nc\n");
      assertEquals(0, nc.exitCode(), nc.stderr());
      assertThat(server.awaitConnection().awaitPeerHalfClosed()).receivedExactly("hello from nc\n");
    }
  }

  @Test
  void socatTalksToAUnixSocketServerWithLineRules() throws Exception {
    LineRules rules = LineRules.create().when("PING").reply("PONG").whenMatches("ECHO (.*)").reply("$1");
    try (UnixSocketServer server = UnixSocketServer.create().withResponder(Responder.lines(rules)).start()) {
      Result socat =
          ExternalTools.run(List.of("socat", "-t", "5", "-", "UNIX-CONNECT:" + server.path()), "PING\nECHO hi there\n");
      assertEquals(0, socat.exitCode(), socat.stderr());
      assertEquals("PONG\nhi there\n", socat.stdout());
      assertThat(server.awaitConnection().awaitClosed())
          .receivedLines("PING", "ECHO hi there")
          .sentExactly("PONG\nhi there\n");
      server.verify();
    }
  }

  @Test
  void curlMakesAnHttpRequestOverAUnixSocketLikeADockerClient() throws Exception {
    String body = "{\"Version\":\"27.0.0\"}";
    String response =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
            + "\r\nConnection: close\r\n\r\n" + body;
    try (UnixSocketServer docker =
        UnixSocketServer.create().withName("docker").withResponder(Responder.replyAndClose(response)).start()) {
      Result curl =
          ExternalTools.run(
              List.of("curl", "--silent", "--show-error", "--max-time", "10", "--unix-socket",
                  docker.path().toString(), "http://localhost/v1.43/version"),
              "");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals(body, curl.stdout());
      Connection request = docker.awaitConnection().awaitReceived("\r\n\r\n");
      assertTrue(request.received().text().startsWith("GET /v1.43/version HTTP/1.1\r\nHost: localhost\r\n"),
          request.transcript());
      assertThat(request).sentExactly(response);
    }
  }

  @Test
  void ncSendsToATcpServer() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(Responder.echo()).start()) {
      Result nc =
          ExternalTools.run(List.of("nc", "-N", "127.0.0.1", String.valueOf(server.port())), "over tcp\n");
      assertEquals(0, nc.exitCode(), nc.stderr());
      assertEquals("over tcp\n", nc.stdout());
      assertThat(server.awaitConnection().awaitClosed()).receivedExactly("over tcp\n").sentExactly("over tcp\n");
    }
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, disabledReason = "the abstract namespace exists only on Linux")
  void socatReachesAnAbstractNamespaceServer() throws Exception {
    String name = "sockpuppet-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (UnixSocketServer server = UnixSocketServer.create().withAbstractName(name).start()) {
      Result socat = ExternalTools.run(List.of("socat", "-t", "5", "-", "ABSTRACT-CONNECT:" + name), "abstract\n");
      assertEquals(0, socat.exitCode(), socat.stderr());
      assertThat(server.awaitConnection().awaitPeerHalfClosed()).receivedExactly("abstract\n");
    }
  }

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "peer credentials with a pid need SO_PEERCRED or LOCAL_PEERPID")
  void peerCredentialsNameTheClientProcess() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withPeerCredentials().start()) {
      Result socat = ExternalTools.run(List.of("socat", "-t", "5", "-", "UNIX-CONNECT:" + server.path()), "who\n");
      assertEquals(0, socat.exitCode(), socat.stderr());
      PeerCredentials credentials = server.awaitConnection().peerCredentials().orElseThrow();
      assertEquals(socat.pid(), credentials.pid());
      var self = new com.sun.security.auth.module.UnixSystem();
      assertEquals(self.getUid(), credentials.uid());
      assertEquals(self.getGid(), credentials.gid());
    }
  }
}
