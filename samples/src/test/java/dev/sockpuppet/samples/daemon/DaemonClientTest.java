package dev.sockpuppet.samples.daemon;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The tests a user writes for {@link DaemonClient}, exactly as the README shows them. */
class DaemonClientTest {
  // README: framework-example
  @Test
  void readsTheStatusOfAService() throws IOException {
    LineRules daemon = LineRules.create()
        .when("STATUS web").reply("OK running pid=4242")
        .whenMatches("STATUS (.+)").reply("ERR no such service");

    try (UnixSocketServer server = UnixSocketServer.create()
        .withResponder(Responder.lines(daemon))
        .start()) {
      DaemonClient client = new DaemonClient(server.path());

      assertEquals("running pid=4242", client.status("web"));

      assertThat(server).hasConnectionCount(1);
      assertThat(server.connection(0)).receivedExactly("STATUS web\n").sentExactly("OK running pid=4242\n");
    }
  }
  // README: end

  @Test
  void reportsAnErrorReplyWithTheCommand() throws IOException {
    LineRules daemon = LineRules.create().whenMatches("STATUS (.+)").reply("ERR no such service: $1");
    try (UnixSocketServer server = UnixSocketServer.create().withResponder(Responder.lines(daemon)).start()) {
      DaemonClient.DaemonException error =
          assertThrows(DaemonClient.DaemonException.class, () -> new DaemonClient(server.path()).status("nope"));
      assertEquals("the daemon refused \"STATUS nope\": ERR no such service: nope", error.getMessage());
    }
  }

  @Test
  void failsClearlyWhenTheDaemonHangsUpWithoutAnswering() throws IOException {
    // A daemon that reads the command and closes: the sink does exactly that.
    try (UnixSocketServer server = UnixSocketServer.create().start()) {
      IOException error = assertThrows(IOException.class, () -> new DaemonClient(server.path()).restart("web"));
      assertEquals(
          "the daemon at " + server.path() + " closed the connection without answering RESTART web", error.getMessage());
      assertThat(server).eventually().receivedLines("RESTART web");
    }
  }

  @Test
  void sendsOneCommandPerConnection() throws IOException {
    LineRules daemon = LineRules.create().whenMatches("RESTART (.+)").reply("OK restarted").when("STATUS web").reply("OK running");
    try (UnixSocketServer server = UnixSocketServer.create().withResponder(Responder.lines(daemon)).start()) {
      DaemonClient client = new DaemonClient(server.path());
      client.restart("web");
      client.status("web");
      assertThat(server).eventually().hasConnectionCount(2);
      assertThat(server.connection(0)).receivedLines("RESTART web");
      assertThat(server.connection(1)).receivedLines("STATUS web");
      server.verify();
    }
  }
}
