package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Field-style fakes, scopes, {@code @Nested} classes and both test instance lifecycles; static
 * fakes shared by several classes and across runs.
 */
class FieldTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void staticFieldsAreSharedInstanceFieldsAndDeclaredFakesAreFreshPerTestNestedToo(Mode mode) {
    checkPerMethodLifecycle(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void perClassLifecycleSharesInstanceFieldsAndClassScopedFakes(Mode mode) {
    checkPerClassLifecycle(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void misconfigurationFailsWithAMessageSayingWhatToDo(Mode mode) {
    checkMisconfiguration(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aStaticFakeInASharedBaseClassServesEverySubclass(Mode mode) throws ReflectiveOperationException {
    checkSharedBaseClass(mode);
  }

  @Test
  void classesSharingAStaticFakeInParallelNeverStopItUnderEachOther() throws ReflectiveOperationException {
    checkSharedUnderParallel();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aClassWithAStaticFakeCanRunTwiceInOneJvm(Mode mode) throws ReflectiveOperationException {
    checkRerun(mode);
  }

  /** Issue 7, item 12: the second subclass found the base class's fake stopped. */
  static void checkSharedBaseClass(Mode mode) throws ReflectiveOperationException {
    Class<?> holder = FreshClassLoader.fresh(SharedBase.class);
    TestKit kit = TestKit.of(nested(holder, "First"), nested(holder, "Second")).mode(mode).run();
    assertEquals(Optional.empty(), kit.problems());
    assertEquals(Set.of("first(TestReporter)", "second(TestReporter)"), kit.tests().keySet());
    if (mode == Mode.SEQUENTIAL) {
      // One class after the other: each got a run of its own, which began with an empty recording.
      assertEquals("0", kit.report("first(TestReporter)", "connectionsBefore"));
      assertEquals("0", kit.report("second(TestReporter)", "connectionsBefore"));
    }
    TcpServer shared = staticField(nested(holder, "Base"), "shared");
    assertFalse(shared.isRunning(), "the last class that used the fake should have stopped it");
  }

  /**
   * Forces the two classes to overlap: Waiter's test holds on until Finisher's class has finished
   * (its fakes stopped), then uses the shared fake, which must still run.
   */
  static void checkSharedUnderParallel() throws ReflectiveOperationException {
    Class<?> holder = FreshClassLoader.fresh(SharedUnderParallel.class);
    // Each of the two tests waits for the other class, so they need a thread each, whatever the machine.
    Map<String, String> threads =
        Map.of("junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
    TestKit kit =
        TestKit.of(nested(holder, "Waiter"), nested(holder, "Finisher")).mode(Mode.PARALLEL).parameters(threads).run();
    assertEquals(Optional.empty(), kit.problems());
    assertEquals(Set.of("waitsForTheOtherClass(TestReporter)", "finishesFirst()"), kit.tests().keySet());
    assertEquals("true", kit.report("waitsForTheOtherClass(TestReporter)", "otherClassFinished"));
    TcpServer shared = staticField(nested(holder, "Base"), "shared");
    assertFalse(shared.isRunning(), "the last class that used the fake should have stopped it");
    // Both classes used the one run of the fake.
    assertEquals(List.of("finisher", "waiter"), shared.traffic().connections().stream()
        .map(c -> c.received().text()).sorted().toList());
  }

  /** Issue 7, item 12: running a class again in the same JVM found its static fake stopped. */
  static void checkRerun(Mode mode) throws ReflectiveOperationException {
    Class<?> fixture = FreshClassLoader.fresh(StaticField.class); // once, for both runs
    TcpServer shared = staticField(fixture, "shared");
    for (int run = 1; run <= 2; run++) {
      TestKit kit = TestKit.of(fixture).mode(mode).run();
      int finished = run;
      assertEquals(Optional.empty(), kit.problems(), () -> "run " + finished);
      assertEquals(Set.of("usesTheStaticFake()"), kit.tests().keySet());
      assertFalse(shared.isRunning());
      // Each run began afresh: its recording holds its own connection only.
      assertEquals(1, shared.traffic().connections().size(), () -> "run " + finished);
    }
  }

  static void checkPerMethodLifecycle(Mode mode) {
    TestKit kit = TestKit.run(PerMethod.class, mode);
    List<String> tests = List.of("first(TcpServer, TestReporter)", "second(TcpServer, TestReporter)", "nested(TcpServer, TestReporter)");
    for (String test : tests) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> kit.tests().toString());
    }
    assertEquals(3, kit.tests().size());
    assertTrue(kit.containers().values().stream().allMatch(r -> r.getStatus() == Status.SUCCESSFUL), () -> kit.containers().toString());
    // The static field's fake is one for the class, nested tests included.
    assertEquals(1, tests.stream().map(t -> kit.report(t, "shared")).distinct().count(), () -> kit.reports().toString());
    // Instance fields and per-test declarations of the outer class are fresh for every test.
    assertEquals(3, tests.stream().map(t -> kit.report(t, "perTest")).distinct().count(), () -> kit.reports().toString());
    assertEquals(3, tests.stream().map(t -> kit.report(t, "declared")).distinct().count(), () -> kit.reports().toString());
    assertEquals("renamed", kit.report("first(TcpServer, TestReporter)", "renamedName"));
    for (String test : tests) {
      Path socket = Path.of(kit.report(test, "perTest"));
      assertTrue(Files.notExists(socket), "socket file left behind: " + socket);
    }
  }

  static void checkPerClassLifecycle(Mode mode) {
    TestKit kit = TestKit.run(PerClass.class, mode);
    List<String> tests = List.of("first(TcpServer, UnixSocketServer, TestReporter)", "second(TcpServer, UnixSocketServer, TestReporter)");
    for (String test : tests) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> kit.tests().toString());
    }
    assertTrue(kit.containers().values().stream().allMatch(r -> r.getStatus() == Status.SUCCESSFUL), () -> kit.containers().toString());
    assertEquals(1, tests.stream().map(t -> kit.report(t, "classWide")).distinct().count(), () -> kit.reports().toString());
    assertEquals(1, tests.stream().map(t -> kit.report(t, "instanceField")).distinct().count(), () -> kit.reports().toString());
    assertEquals(2, tests.stream().map(t -> kit.report(t, "each")).distinct().count(), () -> kit.reports().toString());
    for (String test : tests) {
      Path socket = Path.of(kit.report(test, "each"));
      assertTrue(Files.notExists(socket), "socket file left behind: " + socket);
    }
  }

  static void checkMisconfiguration(Mode mode) {
    TestKit kit = TestKit.run(Misconfigured.class, mode);
    String outer = "dev.sockpuppet.junit.FieldTest$Misconfigured";
    assertEquals(Set.of("nullField()", "notAFake()", "perClassOnMethod()", "sameNameTwice()", "badLineRule()", "twoBehaviours()", "badTimeout()"), kit.tests().keySet());
    Map<String, String> expected =
        Map.of(
            "nullField()", "field " + outer + "$NullField.missing is annotated with @ManagedFake but is null; initialize it "
                + "with the fake to manage, e.g. = TcpServer.create(), where it is declared",
            "notAFake()", "field " + outer + "$WrongType.notAFake is annotated with @ManagedFake but its type java.lang.String "
                + "is not a fake; declare it as FifoPair, SyslogServer, TcpServer, UdpServer, UnixDatagramServer, "
                + "UnixSocketServer, DatagramServer, StreamServer, FakeServer, NamedPipeFake or Fake",
            "perClassOnMethod()", "@WithTcpServer 'tcp' on method " + outer + "$OnMethods.perClassOnMethod() has scope = "
                + "PER_CLASS, which only an annotation on a class can have; move it to the class or remove the scope",
            "sameNameTwice()", "two fakes of sameNameTwice() are named 'tcp': @WithTcpServer 'tcp' on method " + outer
                + "$OnMethods.sameNameTwice() and @WithTcpServer 'tcp' on method " + outer
                + "$OnMethods.sameNameTwice(); give each a distinct name = \"…\"",
            "badLineRule()", "@WithUnixSocketServer 'unix' on method " + outer + "$OnMethods.badLineRule() has the line "
                + "rule \"PING=PONG\" without \"->\"; write rules like \"PING -> PONG\", \"/GET (\\\\w+)/ -> VALUE $1\" or \"NOOP ->\"",
            "twoBehaviours()", "@WithTcpServer 'tcp' on method " + outer + "$OnMethods.twoBehaviours() sets responder = ECHO "
                + "and reply; a fake has one behaviour, so set only one of them",
            "badTimeout()", "the timeout of @WithTcpServer 'tcp' on method " + outer + "$OnMethods.badTimeout() is "
                + "\"soon\"; write a positive duration such as \"500ms\", \"5s\", \"2m\" or \"PT5S\"");
    expected.forEach((test, message) -> {
      Throwable failure = kit.failure(test);
      assertInstanceOf(ExtensionConfigurationException.class, failure, test);
      assertEquals(message, failure.getMessage(), test);
    });
  }

  @Fixture
  @WithTcpServer(name = "declared")
  static class PerMethod {
    @ManagedFake static final TcpServer shared = TcpServer.create().withName("shared");
    @ManagedFake final UnixSocketServer perTest = UnixSocketServer.create().withName("per-test");
    @ManagedFake("renamed") final TcpServer other = TcpServer.create();

    @BeforeAll
    static void sharedIsRunningBeforeAll() {
      assertTrue(shared.isRunning());
    }

    @Test
    void first(@ManagedFake("declared") TcpServer declared, TestReporter reporter) {
      report(declared, reporter);
      reporter.publishEntry("renamedName", "renamed");
    }

    @Test
    void second(@ManagedFake("declared") TcpServer declared, TestReporter reporter) {
      report(declared, reporter);
    }

    void report(TcpServer declared, TestReporter reporter) {
      assertTrue(shared.isRunning() && perTest.isRunning() && other.isRunning() && declared.isRunning());
      Clients.sendUnix(perTest.path(), "hi");
      perTest.awaitReceived("hi");
      reporter.publishEntry(
          Map.of(
              "shared", identity(shared),
              "perTest", perTest.path().toString(),
              "declared", identity(declared)));
    }

    /**
     * Which fake this is: its port alone would not tell, since a port a stopped fake let go may be
     * the next one's, and with tests in parallel often is.
     */
    static String identity(TcpServer server) {
      return server.port() + "/" + System.identityHashCode(server);
    }

    @Nested
    class Inner {
      @ManagedFake final TcpServer inner = TcpServer.create().withName("inner");

      @Test
      void nested(@ManagedFake("declared") TcpServer declared, TestReporter reporter) {
        assertTrue(inner.isRunning());
        report(declared, reporter);
      }
    }
  }

  @Fixture
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  @WithTcpServer(name = "class-wide", scope = Scope.PER_CLASS)
  @WithUnixSocketServer(name = "each")
  static class PerClass {
    @ManagedFake final TcpServer instanceField = TcpServer.create().withName("instance-field");
    private final TcpServer fromConstructor;

    PerClass(@ManagedFake("class-wide") TcpServer classWide) {
      this.fromConstructor = classWide;
    }

    @BeforeAll
    void sameInBeforeAll(TcpServer classWide) {
      assertSame(fromConstructor, classWide);
      assertTrue(instanceField.isRunning());
    }

    @Test
    void first(TcpServer classWide, UnixSocketServer each, TestReporter reporter) {
      report(classWide, each, reporter);
    }

    @Test
    void second(TcpServer classWide, UnixSocketServer each, TestReporter reporter) {
      report(classWide, each, reporter);
    }

    private void report(TcpServer classWide, UnixSocketServer each, TestReporter reporter) {
      assertSame(fromConstructor, classWide);
      assertTrue(classWide.isRunning() && each.isRunning() && instanceField.isRunning());
      assertNotEquals(classWide.port(), instanceField.port());
      reporter.publishEntry(
          Map.of(
              "classWide", String.valueOf(classWide.port()),
              "instanceField", String.valueOf(instanceField.port()),
              "each", each.path().toString()));
    }
  }

  /** Not a fixture itself: the base class and the two fixtures that extend it. */
  static final class SharedBase {
    private SharedBase() {}

    abstract static class Base {
      @ManagedFake static final TcpServer shared = TcpServer.create().withName("shared");

      void use(String text, TestReporter reporter) {
        assertTrue(shared.isRunning());
        reporter.publishEntry("connectionsBefore", String.valueOf(shared.traffic().connections().size()));
        assertEquals("", Clients.exchangeTcp(shared.address(), text));
        shared.awaitReceived(text);
      }
    }

    @Fixture
    static class First extends Base {
      @Test
      void first(TestReporter reporter) {
        use("first", reporter);
      }
    }

    @Fixture
    static class Second extends Base {
      @Test
      void second(TestReporter reporter) {
        use("second", reporter);
      }
    }
  }

  /** Not a fixture itself: two fixtures that share a static fake and wait for each other. */
  static final class SharedUnderParallel {
    // Not private: fixtures come from a fresh class loader, where nestmate access to private members fails.
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Waiter's test has started, so Waiter holds the shared fake. */
    static final CountDownLatch waiterRunning = new CountDownLatch(1);
    /** Finisher's class has finished, Sockpuppet's afterAll included. */
    static final CountDownLatch finisherDone = new CountDownLatch(1);

    private SharedUnderParallel() {}

    abstract static class Base {
      @ManagedFake static final TcpServer shared = TcpServer.create().withName("shared");
    }

    @Fixture
    static class Waiter extends Base {
      @Test
      void waitsForTheOtherClass(TestReporter reporter) throws InterruptedException {
        waiterRunning.countDown();
        boolean finished = finisherDone.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        reporter.publishEntry("otherClassFinished", String.valueOf(finished));
        assertTrue(finished, "Finisher did not finish within " + WAIT);
        // Had Finisher stopped the fake on its way out, this would be refused.
        assertEquals("", Clients.exchangeTcp(shared.address(), "waiter"));
        shared.awaitReceived("waiter");
      }
    }

    /**
     * Registered before the Sockpuppet extension (class-level extensions come before those of
     * fields), so its afterAll runs after Sockpuppet's: the class is done with the fake by then.
     */
    @Fixture
    @ExtendWith(SignalWhenDone.class)
    static class Finisher extends Base {
      @Test
      void finishesFirst() throws InterruptedException {
        assertTrue(waiterRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS), "Waiter did not start within " + WAIT);
        assertEquals("", Clients.exchangeTcp(shared.address(), "finisher"));
        shared.awaitReceived("finisher");
      }
    }

    static final class SignalWhenDone implements AfterAllCallback {
      @Override
      public void afterAll(ExtensionContext context) {
        finisherDone.countDown();
      }
    }
  }

  @Fixture
  static class StaticField {
    @ManagedFake static final TcpServer shared = TcpServer.create().withName("shared");

    @Test
    void usesTheStaticFake() {
      assertTrue(shared.isRunning());
      assertEquals(0, shared.traffic().connections().size());
      assertEquals("", Clients.exchangeTcp(shared.address(), "hello"));
      shared.awaitReceived("hello");
    }
  }

  /** A nested class of {@code fresh} (a {@link FreshClassLoader} copy), from the same loader. */
  static Class<?> nested(Class<?> fresh, String simpleName) throws ClassNotFoundException {
    return Class.forName(fresh.getName() + "$" + simpleName, false, fresh.getClassLoader());
  }

  /** The value of a static field of a fixture. */
  static TcpServer staticField(Class<?> type, String name) throws ReflectiveOperationException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return (TcpServer) field.get(null);
  }

  @Fixture
  static class Misconfigured {
    @Nested
    class NullField {
      @ManagedFake TcpServer missing;

      @Test
      void nullField() {}
    }

    @Nested
    class WrongType {
      @ManagedFake String notAFake = "x";

      @Test
      void notAFake() {}
    }

    @Nested
    class OnMethods {
      @Test
      @WithTcpServer(scope = Scope.PER_CLASS)
      void perClassOnMethod() {}

      // Not two bare @WithTcpServer: JUnit's annotation search drops a repeat equal to an earlier one.
      @Test
      @WithTcpServer(reply = "one")
      @WithTcpServer(reply = "two")
      void sameNameTwice() {}

      @Test
      @WithUnixSocketServer(lines = {"PING=PONG"})
      void badLineRule() {}

      @Test
      @WithTcpServer(responder = ResponderType.ECHO, reply = "hi")
      void twoBehaviours() {}

      @Test
      @WithTcpServer(timeout = "soon")
      void badTimeout() {}
    }
  }
}
