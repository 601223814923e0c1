package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Fake;
import dev.sockpuppet.FakeServer;
import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Parameter injection: by type (the root type {@code Fake} too), by name, into constructors,
 * ambiguity, unknown names, meta-annotations.
 */
class InjectionTest {
  private static final String BY_TYPE = "on class dev.sockpuppet.junit.InjectionTest$ByType";
  private static final String BY_NAME = "on class dev.sockpuppet.junit.InjectionTest$ByName";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsByTypeAndRejectsAmbiguousSupertypes(Mode mode) {
    checkByType(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsByNameAndListsTheNamesWhenItCannot(Mode mode) {
    checkByName(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void findsFakesThroughAUsersMetaAnnotation(Mode mode) {
    checkMetaAnnotation(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsParametersOfTheRootTypeFakeAndSaysWhichAnnotationDeclaresAMissingType(Mode mode) {
    checkRootType(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aConstructorReceivesTheSameFakeAsTheTestAndAFreshOnePerTest(Mode mode) {
    checkConstructorInjection(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aConstructorUnderPerClassLifecycleThatAsksForAPerTestFakeIsToldWhy(Mode mode) {
    TestKit kit = TestKit.run(PerClassConstructor.class, mode);
    assertTrue(kit.tests().isEmpty(), () -> kit.tests().toString());
    Throwable failure = kit.container(PerClassConstructor.class).getThrowable().orElseThrow();
    assertInstanceOf(ParameterResolutionException.class, failure);
    assertEquals(
        "parameter 0 (TcpServer) of constructor InjectionTest$PerClassConstructor(…) wants a TcpServer, but no such "
            + "fake is declared for this class; available: none. Code that runs once for the class (@BeforeAll and "
            + "@AfterAll methods, a constructor under @TestInstance(Lifecycle.PER_CLASS)) sees only fakes declared "
            + "with scope = PER_CLASS: declare the fake with that scope, or take it as a parameter of the test method",
        failure.getMessage());
  }

  static void checkRootType(Mode mode) {
    TestKit kit = TestKit.run(RootType.class, mode);
    for (String test : List.of("asFake(Fake)", "byName(Fake, FakeServer)")) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> TestKit.describe(kit.test(test)));
    }
    Throwable missing = kit.failure("noUnixSocketServer(UnixSocketServer)");
    assertInstanceOf(ParameterResolutionException.class, missing);
    assertEquals(
        "parameter 0 (UnixSocketServer) of noUnixSocketServer(…) wants a UnixSocketServer, but no such fake is "
            + "declared for this test; available: 'api' (TcpServer, @WithTcpServer 'api' on class "
            + "dev.sockpuppet.junit.InjectionTest$RootType). Declare one with @WithUnixSocketServer on the test "
            + "method or class",
        missing.getMessage());
    assertEquals(3, kit.tests().size());
  }

  static void checkConstructorInjection(Mode mode) {
    TestKit kit = TestKit.run(ConstructorInjection.class, mode);
    List<String> tests = List.of("first(TcpServer, TestReporter)", "second(TcpServer, TestReporter)");
    for (String test : tests) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> TestKit.describe(kit.test(test)));
    }
    assertEquals(2, kit.tests().size());
    // Per-test fakes: each test (and so each instance) got its own.
    assertEquals(2, tests.stream().map(t -> kit.report(t, "port")).distinct().count(), () -> kit.reports().toString());
  }

  static void checkByType(Mode mode) {
    TestKit kit = TestKit.run(ByType.class, mode);
    assertEquals(Status.SUCCESSFUL, kit.test("tcp(TcpServer, TestReporter)").getStatus(), () -> kit.tests().toString());
    assertEquals(Status.SUCCESSFUL, kit.test("unix(UnixSocketServer, TestReporter)").getStatus(), () -> kit.tests().toString());
    assertEquals("tcp", kit.report("tcp(TcpServer, TestReporter)", "name"));
    assertEquals("unix", kit.report("unix(UnixSocketServer, TestReporter)", "name"));
    String available =
        "'unix' (UnixSocketServer, @WithUnixSocketServer 'unix' " + BY_TYPE + "), "
            + "'tcp' (TcpServer, @WithTcpServer 'tcp' " + BY_TYPE + ")";
    Throwable stream = kit.failure("streamServer(StreamServer)");
    assertInstanceOf(ParameterResolutionException.class, stream);
    assertEquals(
        "parameter 0 (StreamServer) of streamServer(…) is ambiguous: 2 fakes are StreamServers: " + available
            + "; choose one with @ManagedFake(\"name\")",
        stream.getMessage());
    Throwable fakeServer = kit.failure("fakeServer(FakeServer)");
    assertInstanceOf(ParameterResolutionException.class, fakeServer);
    assertEquals(
        "parameter 0 (FakeServer) of fakeServer(…) is ambiguous: 2 fakes are FakeServers: " + available
            + "; choose one with @ManagedFake(\"name\")",
        fakeServer.getMessage());
    Throwable fake = kit.failure("fake(Fake)");
    assertInstanceOf(ParameterResolutionException.class, fake);
    assertEquals(
        "parameter 0 (Fake) of fake(…) is ambiguous: 2 fakes are Fakes: " + available + "; choose one with @ManagedFake(\"name\")",
        fake.getMessage());
    assertEquals(5, kit.tests().size());
  }

  static void checkByName(Mode mode) {
    TestKit kit = TestKit.run(ByName.class, mode);
    assertEquals(Status.SUCCESSFUL, kit.test("byName(TcpServer, TcpServer)").getStatus(), () -> kit.tests().toString());
    assertEquals(Status.SUCCESSFUL, kit.test("inBeforeEachToo()").getStatus(), () -> kit.tests().toString());
    String available =
        "'a' (TcpServer, @WithTcpServer 'a' " + BY_NAME + "), 'b' (TcpServer, @WithTcpServer 'b' " + BY_NAME + ")";
    Throwable unknown = kit.failure("unknownName(TcpServer)");
    assertInstanceOf(ParameterResolutionException.class, unknown);
    assertEquals(
        "parameter 0 (TcpServer) of unknownName(…) asks for the fake named 'c', but there is none; available: " + available,
        unknown.getMessage());
    Throwable ambiguous = kit.failure("ambiguous(TcpServer)");
    assertInstanceOf(ParameterResolutionException.class, ambiguous);
    assertEquals(
        "parameter 0 (TcpServer) of ambiguous(…) is ambiguous: 2 fakes are TcpServers: " + available
            + "; choose one with @ManagedFake(\"name\")",
        ambiguous.getMessage());
    Throwable wrongType = kit.failure("wrongType(UnixSocketServer)");
    assertEquals(
        "parameter 0 (UnixSocketServer) of wrongType(…) asks for the fake named 'a', but it is a TcpServer, "
            + "not a UnixSocketServer; available: " + available,
        wrongType.getMessage());
    Throwable notAFake = kit.failure("notAFake(String)");
    assertInstanceOf(ParameterResolutionException.class, notAFake);
    assertEquals(
        "parameter 0 (String) of notAFake(…) is annotated with @ManagedFake but java.lang.String is not a fake; "
            + "declare it as FifoPair, SyslogServer, TcpServer, UdpServer, UnixDatagramServer, UnixSocketServer, "
            + "DatagramServer, StreamServer, FakeServer, NamedPipeFake or Fake",
        notAFake.getMessage());
    assertEquals(6, kit.tests().size());
  }

  static void checkMetaAnnotation(Mode mode) {
    TestKit kit = TestKit.run(MetaAnnotated.class, mode);
    assertEquals(Status.SUCCESSFUL, kit.test("composed(UnixSocketServer, TcpServer, TestReporter)").getStatus(), () -> kit.tests().toString());
    assertEquals(Status.SUCCESSFUL, kit.test("onMethodToo(TcpServer, TestReporter)").getStatus(), () -> kit.tests().toString());
    Path socket = Path.of(kit.report("composed(UnixSocketServer, TcpServer, TestReporter)", "socket"));
    assertTrue(socket.isAbsolute());
    assertTrue(Files.notExists(socket), "socket file left behind: " + socket);
    // The directory is the JVM's private socket directory, shared by all servers; it stays.
    assertTrue(Files.isDirectory(socket.getParent()));
    assertEquals("on-method", kit.report("onMethodToo(TcpServer, TestReporter)", "name"));
    assertEquals(2, kit.tests().size());
  }

  @Fixture
  @WithTcpServer
  @WithUnixSocketServer
  static class ByType {
    @Test
    void tcp(TcpServer tcp, TestReporter reporter) {
      assertEquals("", Clients.exchangeTcp(tcp.address(), "hello tcp"));
      tcp.awaitReceived("hello tcp");
      reporter.publishEntry("name", tcp.name());
    }

    @Test
    void unix(UnixSocketServer unix, TestReporter reporter) {
      Clients.sendUnix(unix.path(), "hello unix");
      unix.awaitReceived("hello unix");
      reporter.publishEntry("name", unix.name());
    }

    @Test
    void streamServer(StreamServer any) {}

    @Test
    void fakeServer(FakeServer any) {}

    @Test
    void fake(Fake any) {}
  }

  @Fixture
  @WithTcpServer(name = "api", replyAndClose = "OK")
  static class RootType {
    @Test
    void asFake(Fake fake) {
      TcpServer tcp = assertInstanceOf(TcpServer.class, fake);
      assertEquals("api", fake.name());
      assertEquals("OK", Clients.exchangeTcp(tcp.address(), "hello"));
      assertEquals(1, fake.traffic().connections().size());
    }

    @Test
    void byName(@ManagedFake("api") Fake fake, FakeServer server) {
      assertSame(fake, server);
      assertTrue(fake.isRunning());
    }

    @Test
    void noUnixSocketServer(UnixSocketServer unix) {}
  }

  /** Issue 7, item 10: JUnit resolves constructor parameters with the class's context by default. */
  @Fixture
  @WithTcpServer(name = "api")
  static class ConstructorInjection {
    private final TcpServer api;

    ConstructorInjection(TcpServer api) {
      this.api = api;
    }

    @Test
    void first(TcpServer fromMethod, TestReporter reporter) {
      check(fromMethod, reporter);
    }

    @Test
    void second(TcpServer fromMethod, TestReporter reporter) {
      check(fromMethod, reporter);
    }

    private void check(TcpServer fromMethod, TestReporter reporter) {
      assertSame(api, fromMethod);
      assertTrue(api.isRunning());
      assertEquals("api", api.name());
      assertEquals("", Clients.exchangeTcp(api.address(), "hi"));
      api.awaitReceived("hi");
      reporter.publishEntry("port", String.valueOf(api.port()));
    }
  }

  @Fixture
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @WithTcpServer(name = "api")
  static class PerClassConstructor {
    PerClassConstructor(TcpServer api) {}

    @Test
    void neverRuns() {}
  }

  @Fixture
  @WithTcpServer(name = "a", replyAndClose = "A")
  @WithTcpServer(name = "b", replyAndClose = "B")
  static class ByName {
    private TcpServer fromBeforeEach;

    @BeforeEach
    void remember(@ManagedFake("b") TcpServer b) {
      fromBeforeEach = b;
    }

    @Test
    void byName(@ManagedFake("a") TcpServer a, @ManagedFake("b") TcpServer b) {
      assertEquals("A", Clients.exchangeTcp(a.address(), "to a"));
      assertEquals("B", Clients.exchangeTcp(b.address(), "to b"));
      assertNotEquals(a.port(), b.port());
    }

    @Test
    void inBeforeEachToo() {
      assertEquals("b", fromBeforeEach.name());
      assertTrue(fromBeforeEach.isRunning());
    }

    @Test
    void unknownName(@ManagedFake("c") TcpServer c) {}

    @Test
    void ambiguous(TcpServer any) {}

    @Test
    void wrongType(@ManagedFake("a") UnixSocketServer a) {}

    @Test
    void notAFake(@ManagedFake("a") String a) {}
  }

  /** What a user might write: one annotation for the daemon their program talks to. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @WithUnixSocketServer(name = "daemon", lines = {"PING -> PONG"})
  @WithTcpServer(name = "api", replyAndClose = "OK")
  @interface WithDaemon {}

  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @WithTcpServer(name = "on-method")
  @interface WithOneMore {}

  @Fixture
  @WithDaemon
  static class MetaAnnotated {
    @Test
    void composed(@ManagedFake("daemon") UnixSocketServer daemon, @ManagedFake("api") TcpServer api, TestReporter reporter) {
      Clients.sendUnix(daemon.path(), "PING\n");
      daemon.awaitReceivedLine("PING");
      assertEquals("OK", Clients.exchangeTcp(api.address(), "GET"));
      reporter.publishEntry(Map.of("socket", daemon.path().toString()));
    }

    @Test
    @WithOneMore
    void onMethodToo(@ManagedFake("on-method") TcpServer extra, TestReporter reporter) {
      reporter.publishEntry("name", extra.name());
    }
  }
}
