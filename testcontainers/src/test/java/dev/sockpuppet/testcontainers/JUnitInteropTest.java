package dev.sockpuppet.testcontainers;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.junit.ManagedFake;
import dev.sockpuppet.junit.SockpuppetExtension;
import dev.sockpuppet.stream.UnixSocketServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Sockpuppet's extension ({@code @ManagedFake}) and Testcontainers' ({@code @Testcontainers},
 * {@code @Container}) managing one fake and one container, static and instance, with either
 * extension registered first: the fake is up when the container's program connects, both are gone
 * afterwards, and a failed test carries the fake's transcript and the container's output.
 *
 * <p>The fixtures are run through the engine by the tests here (they are tagged {@code fixture},
 * which surefire excludes, and disabled unless run so).
 */
class JUnitInteropTest {
  private static final String ENABLE = "sockpuppet.test.fixtures";
  private static final String CLIENT = "echo PING | nc.openbsd -N -U /run/app.sock; echo client done";
  /** A client that stays connected until its container is stopped. */
  private static final String LASTING_CLIENT = "(echo PING; exec sleep 1000) | nc.openbsd -U /run/app.sock";
  /** The fake of the last fixture run that keeps its container running, for the checks after the run. */
  private static final AtomicReference<UnixSocketServer> LAST_LASTING = new AtomicReference<>();

  @TempDir Path transcripts;

  @BeforeEach
  void docker() {
    DockerSupport.requireDocker();
  }

  static UnixSocketServer daemon() {
    return UnixSocketServer.create().withName("daemon").withResponder(Responder.lines(LineRules.create().when("PING").reply("PONG")));
  }

  static GenericContainer<?> client(ContainerFake fake) {
    return fake.in(new GenericContainer<>(DockerSupport.image())
        .withCommand("sh", "-c", CLIENT)
        .withNetworkMode("none")
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60))));
  }

  /** A container whose client stays connected until the container stops. */
  static GenericContainer<?> lastingClient(ContainerFake fake) {
    return fake.in(new GenericContainer<>(DockerSupport.image())
        .withCommand("sh", "-c", LASTING_CLIENT)
        .withNetworkMode("none"));
  }

  /** The one test of every passing fixture: the container's program talked to the fake and read its answer. */
  interface Talks {
    ContainerFake fake();

    @Test
    default void talks() {
      assertThat(((UnixSocketServer) fake().fake()).connection(0)).eventually().receivedExactly("PING\n").sentExactly("PONG\n");
      assertTrue(fake().containerLogs().contains("out| PONG"), fake().containerLogs());
    }
  }

  @ParameterizedTest
  @ValueSource(classes = {
      StaticFieldsTestcontainersFirst.class, StaticFieldsSockpuppetFirst.class,
      InstanceFieldsTestcontainersFirst.class, InstanceFieldsSockpuppetFirst.class})
  void bothExtensionsManageFakeAndContainer(Class<?> fixture) {
    List<String> before = DockerSupport.leftContainers();
    EngineExecutionResults results = run(fixture);

    assertEquals(List.of(), failures(results), "failures of " + fixture.getSimpleName());
    assertEquals(1, results.testEvents().succeeded().count(), "tests that passed in " + fixture.getSimpleName());
    List<String> left = new ArrayList<>(DockerSupport.leftContainers());
    left.removeAll(before);
    assertEquals(List.of(), left, "containers left by " + fixture.getSimpleName());
  }

  /**
   * With {@code @Testcontainers} on the class and the fake's field annotated (the usual way), JUnit
   * runs Sockpuppet's after-callbacks first; the fake still outlives the container, whose client
   * is therefore the one that ends the connection (the fake reads its end of stream, then closes).
   */
  @ParameterizedTest
  @ValueSource(classes = {LastingStaticTestcontainersFirst.class, LastingInstanceTestcontainersFirst.class})
  void theContainerStopsBeforeTheFakeWhateverOrderJUnitStopsThem(Class<?> fixture) {
    List<String> before = DockerSupport.leftContainers();
    LAST_LASTING.set(null);
    EngineExecutionResults results = run(fixture);

    assertEquals(List.of(), failures(results), "failures of " + fixture.getSimpleName());
    assertEquals(1, results.testEvents().succeeded().count(), "tests that passed in " + fixture.getSimpleName());
    UnixSocketServer daemon = LAST_LASTING.get();
    assertFalse(daemon.isRunning(), "the fake still runs after the fixture");
    List<ConnectionEvent> events = daemon.connection(0).events();
    List<Kind> kinds = events.stream().map(ConnectionEvent::kind).toList();
    int peerEnded = kinds.indexOf(Kind.HALF_CLOSED);
    assertTrue(peerEnded >= 0 && events.get(peerEnded).side() == Side.PEER,
        "the container's client never ended the connection, so the fake stopped first: " + events);
    assertTrue(peerEnded < kinds.indexOf(Kind.CLOSED), "the fake closed before the container's client ended: " + events);
    List<String> left = new ArrayList<>(DockerSupport.leftContainers());
    left.removeAll(before);
    assertEquals(List.of(), left, "containers left by " + fixture.getSimpleName());
  }

  @Test
  void aFailedTestCarriesTheTranscriptAndTheContainersOutput() {
    EngineExecutionResults results = run(FailingTest.class);

    Throwable failure = results.testEvents().failed().stream().findFirst()
        .flatMap(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class))
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .orElseThrow(() -> new AssertionError("the fixture did not fail"));
    String evidence = Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).collect(Collectors.joining("\n"));
    assertTrue(evidence.contains("transcript of fake 'daemon'"), evidence);
    assertTrue(evidence.contains("PING"), evidence);
    assertTrue(evidence.contains("output of the containers given fake 'daemon'"), evidence);
    assertTrue(evidence.contains("out| client done"), evidence);
  }

  private EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(fixture))
        .configurationParameter(ENABLE, "true")
        .configurationParameter("sockpuppet.transcripts.dir", transcripts.toString())
        .execute();
  }

  private static List<String> failures(EngineExecutionResults results) {
    return results.allEvents().failed().stream()
        .map(Event::toString)
        .collect(Collectors.toList());
  }

  /** A fixture class: excluded by surefire, and run only through {@link #run(Class)}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @Tag("fixture")
  @ExtendWith(OnlyThroughTestKit.class)
  @interface Fixture {}

  /** Lets the fixtures run only through {@link #run(Class)}. */
  static final class OnlyThroughTestKit implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(ENABLE).isPresent()
          ? ConditionEvaluationResult.enabled("run by the interop test")
          : ConditionEvaluationResult.disabled("a fixture of JUnitInteropTest");
    }
  }

  @Fixture
  @Testcontainers
  static class StaticFieldsTestcontainersFirst implements Talks {
    @ManagedFake static final UnixSocketServer daemon = daemon();
    static final ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");
    @Container static final GenericContainer<?> app = client(fake);

    @Override
    public ContainerFake fake() {
      return fake;
    }
  }

  @Fixture
  @ExtendWith(SockpuppetExtension.class)
  @Testcontainers
  static class StaticFieldsSockpuppetFirst implements Talks {
    @Container static final GenericContainer<?> app;
    @ManagedFake static final UnixSocketServer daemon = daemon();
    static final ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");

    static {
      app = client(fake);
    }

    @Override
    public ContainerFake fake() {
      return fake;
    }
  }

  @Fixture
  @Testcontainers
  static class InstanceFieldsTestcontainersFirst implements Talks {
    @ManagedFake final UnixSocketServer daemon = daemon();
    final ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");
    @Container final GenericContainer<?> app = client(fake);

    @Override
    public ContainerFake fake() {
      return fake;
    }
  }

  @Fixture
  @ExtendWith(SockpuppetExtension.class)
  @Testcontainers
  static class InstanceFieldsSockpuppetFirst implements Talks {
    @Container final GenericContainer<?> app;
    @ManagedFake final UnixSocketServer daemon = daemon();
    final ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");

    InstanceFieldsSockpuppetFirst() {
      app = client(fake);
    }

    @Override
    public ContainerFake fake() {
      return fake;
    }
  }

  /** The one test of the fixtures whose container keeps running: the client connected and was answered. */
  interface KeepsTalking {
    UnixSocketServer lastingDaemon();

    @Test
    default void talks() {
      LAST_LASTING.set(lastingDaemon());
      assertThat(lastingDaemon().connection(0)).eventually().receivedExactly("PING\n").sentExactly("PONG\n");
      assertTrue(lastingDaemon().connection(0).isOpen(), lastingDaemon().connection(0).events().toString());
    }
  }

  @Fixture
  @Testcontainers
  static class LastingStaticTestcontainersFirst implements KeepsTalking {
    @ManagedFake static final UnixSocketServer daemon = daemon();
    @Container static final GenericContainer<?> app = lastingClient(ContainerFake.of(daemon).at("/run/app.sock"));

    @Override
    public UnixSocketServer lastingDaemon() {
      return daemon;
    }
  }

  @Fixture
  @Testcontainers
  static class LastingInstanceTestcontainersFirst implements KeepsTalking {
    @ManagedFake final UnixSocketServer daemon = daemon();
    @Container final GenericContainer<?> app = lastingClient(ContainerFake.of(daemon).at("/run/app.sock"));

    @Override
    public UnixSocketServer lastingDaemon() {
      return daemon;
    }
  }

  /** The instance-field fixture with a test that fails, and the container output extension. */
  @Fixture
  @ContainerLogsOnFailure
  static class FailingTest extends InstanceFieldsTestcontainersFirst {
    @Test
    void expectsWhatNeverCame() {
      assertThat(daemon.connection(0)).receivedExactly("STATUS\n");
    }
  }
}
