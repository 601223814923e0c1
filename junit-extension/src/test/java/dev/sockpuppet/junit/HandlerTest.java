package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.LiveConnection;
import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;

/** {@code handler = MyHandler.class} on the stream-server annotations: it works, and misuse is explained. */
class HandlerTest {
  private static final String HANDLERS = "dev.sockpuppet.junit.HandlerTest$Handlers";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHandlerClassPlaysEveryConnectionOfTheFake(Mode mode) {
    checkHandlers(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHandlerClassThatCannotBeCreatedOrCompetesWithAnotherBehaviourIsExplained(Mode mode) {
    checkMisuse(mode);
  }

  static void checkHandlers(Mode mode) {
    TestKit kit = TestKit.run(Working.class, mode);
    for (String test : kit.tests().keySet()) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> TestKit.describe(kit.test(test)));
    }
    assertEquals(2, kit.tests().size(), () -> kit.tests().toString());
  }

  static void checkMisuse(Mode mode) {
    TestKit kit = TestKit.run(Misused.class, mode);
    String on = "on method dev.sockpuppet.junit.HandlerTest$Misused.";
    String handlers = HANDLERS + "$";
    Map<String, String> expected =
        Map.of(
            "innerClass()", "@WithTcpServer 'tcp' " + on + "innerClass() has handler = " + handlers + "Inner, an inner "
                + "class, which needs an instance of " + HANDLERS + " to be created; declare it static",
            "noConstructorWithoutParameters()", "@WithUnixSocketServer 'unix' " + on + "noConstructorWithoutParameters() "
                + "has handler = " + handlers + "NeedsArgument, which has no constructor without parameters; add one "
                + "(it may be private), or build the fake yourself and hold it in a @ManagedFake field",
            "constructorThrows()", "@WithTcpServer 'tcp' " + on + "constructorThrows() has handler = " + handlers
                + "Throws, whose constructor threw java.lang.IllegalStateException: no configuration; fix the "
                + "constructor so that it can create a handler",
            "abstractClass()", "@WithTcpServer 'tcp' " + on + "abstractClass() has handler = " + handlers + "Abstract, "
                + "which is abstract; name a concrete class that implements Handler",
            "handlerAndLines()", "@WithTcpServer 'tcp' " + on + "handlerAndLines() sets handler and lines; a fake has one "
                + "behaviour, so set only one of them",
            "echoAndHandler()", "@WithUnixSocketServer 'unix' " + on + "echoAndHandler() sets responder = ECHO and "
                + "handler; a fake has one behaviour, so set only one of them");
    assertEquals(expected.keySet(), kit.tests().keySet());
    expected.forEach((test, message) -> {
      Throwable failure = kit.failure(test);
      assertInstanceOf(ExtensionConfigurationException.class, failure, test);
      assertEquals(message, failure.getMessage(), test);
    });
    // The constructor's exception is the cause, so its stack trace shows where it came from.
    Throwable cause = kit.failure("constructorThrows()").getCause();
    assertNotNull(cause);
    assertEquals("no configuration", cause.getMessage());
  }

  /** Not a fixture: holds the handlers, which must be reachable from both fixtures' annotations. */
  static final class Handlers {
    private Handlers() {}

    /** Answers each line in upper case; counts connections to show that one instance serves them all. */
    static final class Upper implements Handler {
      private final AtomicInteger connections = new AtomicInteger();

      private Upper() {} // private is fine

      @Override
      public void handle(LiveConnection connection) throws Exception {
        int number = connections.incrementAndGet();
        String line = connection.readLine();
        connection.writeLine(number + " " + (line == null ? "" : line.toUpperCase(Locale.ROOT)));
      }
    }

    static final class NeedsArgument implements Handler {
      NeedsArgument(String argument) {}

      @Override
      public void handle(LiveConnection connection) {}
    }

    static final class Throws implements Handler {
      Throws() {
        throw new IllegalStateException("no configuration");
      }

      @Override
      public void handle(LiveConnection connection) {}
    }

    abstract static class Abstract implements Handler {}

    final class Inner implements Handler {
      @Override
      public void handle(LiveConnection connection) {}
    }

  }

  @Fixture
  static class Working {
    @Test
    @WithTcpServer(handler = Handlers.Upper.class)
    void tcp(TcpServer tcp) {
      assertEquals("1 HELLO\n", Clients.exchangeTcp(tcp.address(), "hello\n"));
      // The same handler instance plays the second connection: one per fake.
      assertEquals("2 AGAIN\n", Clients.exchangeTcp(tcp.address(), "again\n"));
    }

    @Test
    @WithUnixSocketServer(handler = Handlers.Upper.class)
    void unix(UnixSocketServer unix) {
      // A fake of its own has a handler of its own, so its count starts at 1.
      assertEquals("1 HELLO\n", Clients.exchangeUnix(unix.path(), "hello\n"));
      unix.awaitReceivedLine("hello");
    }
  }

  @Fixture
  static class Misused {
    @Test
    @WithTcpServer(handler = Handlers.Inner.class)
    void innerClass() {}

    @Test
    @WithUnixSocketServer(handler = Handlers.NeedsArgument.class)
    void noConstructorWithoutParameters() {}

    @Test
    @WithTcpServer(handler = Handlers.Throws.class)
    void constructorThrows() {}

    @Test
    @WithTcpServer(handler = Handlers.Abstract.class)
    void abstractClass() {}

    @Test
    @WithTcpServer(handler = Handlers.Upper.class, lines = {"PING -> PONG"})
    void handlerAndLines() {}

    @Test
    @WithUnixSocketServer(handler = Handlers.Upper.class, responder = ResponderType.ECHO)
    void echoAndHandler() {}
  }
}
