package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.junit.TestKit.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;

/** {@code script = …} on the datagram-server annotations: played over real datagrams; misuse is explained. */
class DatagramScriptAttributeTest {
  private static final String MISUSE = "on method dev.sockpuppet.junit.DatagramScriptAttributeTest$Misuse.";

  @Test
  void aDeclaredScriptAnswersARealClientAndAnUnfinishedOneFailsTheTest() {
    TestKit kit = TestKit.run(Played.class, Mode.SEQUENTIAL);
    assertEquals(2, kit.tests().size());
    assertEquals(TestExecutionResult.Status.SUCCESSFUL, kit.tests().get("answers(UdpServer)").getStatus());
    String unfinished = kit.failure("neverFinishes(UnixDatagramServer)").getMessage();
    assertTrue(unfinished.contains("UnixDatagramServer 'unixgram': the script did not finish; it was at step 1 of 4"), unfinished);
  }

  @Test
  void aScriptWithAStepDatagramsCannotPlayOrASecondBehaviourFailsTheTest() {
    TestKit.run(Misuse.class, Mode.SEQUENTIAL).assertConfigurationFailures(Map.of(
        "closes(UdpServer)",
        "@WithUdpServer 'udp' " + MISUSE + "closes() has an invalid script: UdpServer 'udp'.withScript(…): step 2 (close)"
            + " cannot be played by a datagram fake: datagrams have no connection to close",
        "scriptAndEcho(UnixDatagramServer)",
        "@WithUnixDatagramServer 'unixgram' " + MISUSE + "scriptAndEcho() sets responder = ECHO and script; a fake has"
            + " one behaviour, so set only one of them"));
  }

  /** A request/response exchange in two datagrams each way. */
  static final class Ping implements ScriptProvider {
    @Override
    public Script script() {
      return Script.create().expectText("ping").sendText("pong").expectText("bye").sendText("ok");
    }
  }

  static final class Closes implements ScriptProvider {
    @Override
    public Script script() {
      return Script.create().expectText("a").close();
    }
  }

  @Fixture
  static class Played {
    @Test
    @WithUdpServer(script = Ping.class)
    void answers(UdpServer server) {
      assertEquals("pong", Clients.exchangeUdp(server.address(), "ping"));
      assertEquals("ok", Clients.exchangeUdp(server.address(), "bye"));
    }

    @Test
    @WithUnixDatagramServer(script = Ping.class)
    void neverFinishes(UnixDatagramServer server) {
      // Nothing is sent: the script is still at its first expect when the test ends.
    }
  }

  @Fixture
  static class Misuse {
    @Test
    @WithUdpServer(script = Closes.class)
    void closes(UdpServer server) {}

    @Test
    @WithUnixDatagramServer(script = Ping.class, responder = ResponderType.ECHO)
    void scriptAndEcho(UnixDatagramServer server) {}
  }
}
