package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Fake;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.fifo.FifoPair;
import dev.sockpuppet.fifo.NamedPipeFake;
import dev.sockpuppet.junit.TestKit.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.opentest4j.AssertionFailedError;

/**
 * {@code @WithFifoPair}: injection, the published directory, a script that a real program
 * answers, teardown that removes the pipes, evidence and an unfinished script failing the test.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "named pipes are made with mkfifo(1)")
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class FifoPairKindTest {
  static final String PROPERTY = "sockpuppet.test.fifo";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsPublishesAndRemovesThePipes(Mode mode) {
    TestKit kit = TestKit.run(Pairs.class, mode);
    for (String test : List.of("byType(FifoPair, TestReporter)", "bySupertype(NamedPipeFake, Fake)", "scripted(FifoPair)")) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> TestKit.describe(kit.test(test)));
    }
    Path directory = Path.of(kit.report("byType(FifoPair, TestReporter)", "directory"));
    assertTrue(Files.notExists(directory), "pipes left behind: " + directory);
    assertNull(System.getProperty(PROPERTY));
    assertEquals(3, kit.tests().size());
  }

  @Test
  void aFailureCarriesTheTranscriptAndAnUnfinishedScriptFails() {
    TestKit kit = TestKit.run(Failing.class, Mode.SEQUENTIAL);
    Throwable failure = kit.failure("fails(FifoPair)");
    assertEquals("the program misbehaved", failure.getMessage());
    String transcript = Arrays.stream(failure.getSuppressed())
        .filter(t -> t.getClass().getName().equals("dev.sockpuppet.junit.internal.FakeTranscript"))
        .map(Throwable::getMessage)
        .findFirst()
        .orElseThrow(() -> new AssertionError(TestKit.describe(failure)));
    assertTrue(transcript.contains("hello pipe"), transcript);
    Throwable unfinished = kit.failure("unfinished(FifoPair)");
    assertInstanceOf(AssertionFailedError.class, unfinished);
    assertTrue(unfinished.getMessage().contains("never"), unfinished.getMessage());
    Throwable twoBehaviours = kit.failure("twoBehaviours(FifoPair)");
    assertInstanceOf(ExtensionConfigurationException.class, twoBehaviours);
    assertTrue(twoBehaviours.getMessage().contains("sets responder = ECHO and lines"), twoBehaviours.getMessage());
  }

  /** Provides the script of {@link Pairs#scripted}. */
  public static final class PingScript implements ScriptProvider {
    @Override
    public Script script() {
      return Script.create().sendLine("ping").expectLine("ping").halfClose();
    }
  }

  @Fixture
  @WithFifoPair(name = "control", systemProperty = PROPERTY)
  static class Pairs {
    @Test
    void byType(FifoPair control, TestReporter reporter) throws Exception {
      assertEquals("control", control.name());
      assertEquals(control.directory().toString(), System.getProperty(PROPERTY));
      reporter.publishEntry("directory", control.directory().toString());
      Process cat = Clients.cat(control);
      control.sendLine("hello").awaitReceivedLine("hello").sendEof().awaitProgramClosed();
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void bySupertype(NamedPipeFake<?> pipes, Fake fake) {
      assertEquals(pipes, fake);
    }

    @Test
    @WithFifoPair(name = "scripted", script = PingScript.class)
    void scripted(@ManagedFake("scripted") FifoPair pair) throws Exception {
      Process cat = Clients.cat(pair);
      pair.awaitFinished();
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
    }
  }

  /** Provides a script whose expect a {@code cat} never satisfies. */
  public static final class NeverAnswered implements ScriptProvider {
    @Override
    public Script script() {
      return Script.create().expectLine("never");
    }
  }

  @Fixture
  static class Failing {
    @Test
    @WithFifoPair(name = "evidence")
    void fails(FifoPair pair) throws Exception {
      Process cat = Clients.cat(pair);
      try {
        pair.sendLine("hello pipe").awaitReceivedLine("hello pipe");
        throw new AssertionFailedError("the program misbehaved");
      } finally {
        cat.destroyForcibly();
      }
    }

    @Test
    @WithFifoPair(name = "unfinished", script = NeverAnswered.class, timeout = "200ms")
    void unfinished(FifoPair pair) {}

    @Test
    @WithFifoPair(responder = ResponderType.ECHO, lines = "A -> B")
    void twoBehaviours(FifoPair pair) {}
  }
}
