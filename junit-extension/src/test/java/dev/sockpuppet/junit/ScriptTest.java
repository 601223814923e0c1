package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;

/** Scripts from annotations: they play, an unfinished one fails the test unless allowed, misuse is explained. */
class ScriptTest {
  @ParameterizedTest
  @EnumSource(Mode.class)
  void scriptsFromAnnotationsPlayAndUnfinishedOnesFailTheTest(Mode mode) {
    TestKit kit = TestKit.run(Fixtures.class, mode);
    assertEquals(Status.SUCCESSFUL, kit.test("finished(TcpServer)").getStatus(), () -> TestKit.describe(kit.test("finished(TcpServer)")));
    assertEquals(Status.SUCCESSFUL, kit.test("perConnection(UnixSocketServer)").getStatus(),
        () -> TestKit.describe(kit.test("perConnection(UnixSocketServer)")));
    assertEquals(Status.SUCCESSFUL, kit.test("unfinishedButAllowed()").getStatus(),
        () -> TestKit.describe(kit.test("unfinishedButAllowed()")));

    Throwable unfinished = kit.failure("unfinished(TcpServer)");
    assertTrue(unfinished.getMessage().contains("the script did not finish; it was at step 3 of 4"), unfinished.getMessage());
    Throwable noConnection = kit.failure("noConnection()");
    assertTrue(noConnection.getMessage().contains("has a script for every connection, but no connection arrived"),
        noConnection.getMessage());
    Throwable failedStep = kit.failure("failedStep(TcpServer)");
    assertTrue(failedStep.getMessage().contains("script step 1 of 3 failed: expect line \"HELLO\""), failedStep.getMessage());
    assertTrue(failedStep.getMessage().contains("nearest miss: the line differs at column 4\n"
        + "    expected: \"HELLO\"\n"
        + "    arrived : \"HELO\"\n"), failedStep.getMessage());
    assertEquals(7, kit.tests().size(), () -> kit.tests().toString());

    Throwable misuse = kit.failure("scriptAndLines()");
    assertInstanceOf(ExtensionConfigurationException.class, misuse);
    assertEquals(
        "@WithTcpServer 'tcp' on method dev.sockpuppet.junit.ScriptTest$Fixtures.scriptAndLines() sets script and lines; "
            + "a fake has one behaviour, so set only one of them",
        misuse.getMessage());
  }

  /** Not a fixture: holds the script providers, reachable from the fixture's annotations. */
  static final class Scripts {
    private Scripts() {}

    static final class Hello implements ScriptProvider {
      @Override
      public Script script() {
        return Script.create().expectLine("HELLO").sendLine("WORLD").expectEof();
      }
    }

    static final class Slow implements ScriptProvider {
      @Override
      public Script script() {
        return Script.create().expectLine("HELLO").sendLine("WORLD").pause(Duration.ofMinutes(1)).sendLine("LATE");
      }
    }

    static final class Reset implements ScriptProvider {
      @Override
      public Script script() {
        return Script.create().reset();
      }
    }
  }

  @Fixture
  static class Fixtures {
    @Test
    @WithTcpServer(script = Scripts.Hello.class)
    void finished(TcpServer server) {
      assertEquals("WORLD\n", Clients.exchangeTcp(server.address(), "HELLO\n"));
      server.awaitConnection().awaitClosed();
    }

    @Test
    @WithUnixSocketServer(scriptsPerConnection = {Scripts.Reset.class, Scripts.Hello.class})
    void perConnection(UnixSocketServer server) {
      assertEquals("WORLD\n", retry(server));
      server.awaitConnections(2).get(1).awaitClosed();
    }

    @Test
    @WithTcpServer(script = Scripts.Slow.class)
    void unfinished(TcpServer server) throws IOException {
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write("HELLO\n".getBytes(StandardCharsets.UTF_8));
        assertEquals('W', client.getInputStream().read());
      }
      // The test ends while the script pauses before its last step.
    }

    @Test
    @WithTcpServer(script = Scripts.Hello.class)
    void noConnection() {}

    @Test
    @WithTcpServer(script = Scripts.Hello.class, unfinishedScriptsAllowed = true)
    void unfinishedButAllowed() {}

    @Test
    @WithTcpServer(script = Scripts.Hello.class)
    void failedStep(TcpServer server) {
      Clients.exchangeTcp(server.address(), "HELO\n");
    }

    @Test
    @WithTcpServer(script = Scripts.Hello.class, lines = "PING -> PONG")
    void scriptAndLines() {}

    private static String retry(UnixSocketServer server) {
      try {
        return Clients.exchangeUnix(server.path(), "HELLO\n");
      } catch (RuntimeException firstWasReset) {
        return Clients.exchangeUnix(server.path(), "HELLO\n");
      }
    }
  }
}
