package dev.sockpuppet.samples.mail;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A client with a greeting to wait for and a retry to get right, tested against a scripted relay. */
class MailNotifierTest {
  private static final LineRules RELAY = LineRules.create()
      .whenMatches("HELO .+").reply("250 hello")
      .whenMatches("RCPT TO:<.+>").reply("250 ok")
      .whenMatches("DATA .+").reply("250 queued")
      .when("QUIT").replyAndClose("221 bye");

  // README: retry-example
  @Test
  void retriesOnceWhenTheRelayResetsTheFirstConnection() throws IOException {
    Responder relay = Responder.lines(RELAY).withGreeting("220 relay ready\r\n");

    try (TcpServer server = TcpServer.create()
        .withResponder(Responder.perConnection(Responder.reset(), relay))
        .start()) {
      new MailNotifier(server.address()).send("ops@example.com", "disk full");

      assertThat(server).eventually().hasConnectionCount(2);
      assertThat(server.connection(0)).wasResetBy(Side.FAKE);
      assertThat(server.connection(1)).eventually()
          .receivedLines("HELO notifier", "RCPT TO:<ops@example.com>", "DATA disk full", "QUIT")
          .sentExactly("220 relay ready\r\n250 hello\r\n250 ok\r\n250 queued\r\n221 bye\r\n");
    }
  }
  // README: end

  @Test
  void givesUpAfterTheSecondFailure() throws IOException {
    try (TcpServer server = TcpServer.create().withResponder(Responder.reset()).start()) {
      IOException error = assertThrows(IOException.class,
          () -> new MailNotifier(server.address()).send("ops@example.com", "disk full"));

      assertEquals(1, error.getSuppressed().length, "the first failure travels with the second");
      assertThat(server).eventually().hasConnectionCount(2);
    }
  }

  @Test
  void doesNotRetryWhenTheRelayRefuses() throws IOException {
    LineRules refusing = LineRules.create()
        .whenMatches("HELO .+").reply("250 hello")
        .whenMatches("RCPT TO:<.+>").reply("550 no such user")
        .otherwise("500 what?");

    try (TcpServer server = TcpServer.create()
        .withResponder(Responder.lines(refusing).withGreeting("220 relay ready\r\n"))
        .start()) {
      MailNotifier.RelayRefused refused = assertThrows(MailNotifier.RelayRefused.class,
          () -> new MailNotifier(server.address()).send("nobody@example.com", "disk full"));

      assertEquals("the relay answered \"550 no such user\" where 250 was expected", refused.getMessage());
      assertThat(server).eventually().hasConnectionCount(1);
    }
  }
}
