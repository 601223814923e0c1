package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code @ParameterizedClass}: a class template, whose class has a context of its own and one per
 * invocation below it (issue 7, item 11). Per-test fakes are fresh for every test of every
 * invocation; {@code PER_CLASS} fakes and static fields live, like {@code @BeforeAll}, once for
 * all invocations.
 */
class ParameterizedClassTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void perTestFakesAreFreshInEveryInvocationAndClassFakesAreShared(Mode mode) {
    checkPerMethodLifecycle(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void underPerClassLifecycleTheOneInstanceKeepsItsFieldFakeForAllInvocations(Mode mode) {
    checkPerClassLifecycle(mode);
  }

  static void checkPerMethodLifecycle(Mode mode) {
    TestKit kit = TestKit.run(PerMethodLifecycle.class, mode);
    assertEquals(Optional.empty(), kit.problems());
    Collection<Map<String, String>> reports = kit.reportsByPath().values();
    assertEquals(6, kit.testsByPath().size(), () -> kit.testsByPath().keySet().toString());
    assertEquals(6, reports.size(), () -> kit.reportsByPath().toString());
    assertEquals(Map.of("1", 3L, "2", 3L), count(reports, r -> r.get("value")));
    // Fresh per test, in every invocation, nested tests included.
    assertEquals(6, distinct(reports, "unix"), () -> kit.reportsByPath().toString());
    assertEquals(6, distinct(reports, "field"), () -> kit.reportsByPath().toString());
    // One for the class: all invocations share it.
    assertEquals(1, distinct(reports, "classWide"), () -> kit.reportsByPath().toString());
    assertEquals(1, distinct(reports, "static"), () -> kit.reportsByPath().toString());
    for (Map<String, String> report : reports) {
      Path socket = Path.of(report.get("unix"));
      assertTrue(Files.notExists(socket), "socket file left behind: " + socket);
    }
  }

  static void checkPerClassLifecycle(Mode mode) {
    TestKit kit = TestKit.run(PerClassLifecycle.class, mode);
    assertEquals(Optional.empty(), kit.problems());
    Collection<Map<String, String>> reports = kit.reportsByPath().values();
    assertEquals(4, reports.size(), () -> kit.reportsByPath().toString());
    assertEquals(Map.of("1", 2L, "2", 2L), count(reports, r -> r.get("value")));
    assertEquals(4, distinct(reports, "unix"), () -> kit.reportsByPath().toString());
    assertEquals(1, distinct(reports, "field"), () -> kit.reportsByPath().toString());
    assertEquals(1, distinct(reports, "classWide"), () -> kit.reportsByPath().toString());
  }

  private static long distinct(Collection<Map<String, String>> reports, String key) {
    assertTrue(reports.stream().allMatch(r -> r.containsKey(key)), () -> key + " missing in " + reports);
    return reports.stream().map(r -> r.get(key)).distinct().count();
  }

  private static Map<String, Long> count(Collection<Map<String, String>> reports, Function<Map<String, String>, String> key) {
    return reports.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }

  @Fixture
  @ParameterizedClass
  @ValueSource(ints = {1, 2})
  @WithUnixSocketServer
  @WithTcpServer(name = "class-wide", scope = Scope.PER_CLASS)
  static class PerMethodLifecycle {
    @ManagedFake static final TcpServer shared = TcpServer.create().withName("static");
    @ManagedFake final UnixSocketServer field = UnixSocketServer.create().withName("field");
    private final int value;
    private final UnixSocketServer fromConstructor;

    PerMethodLifecycle(int value, UnixSocketServer unix) {
      this.value = value;
      this.fromConstructor = unix;
    }

    @Test
    void first(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      report(unix, classWide, reporter);
    }

    @Test
    void second(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      report(unix, classWide, reporter);
    }

    void report(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      assertSame(fromConstructor, unix);
      assertTrue(unix.isRunning() && classWide.isRunning() && shared.isRunning() && field.isRunning());
      Clients.sendUnix(unix.path(), "value " + value);
      unix.awaitReceived("value " + value);
      assertEquals(1, unix.connections().size(), "a fresh fake has only this connection");
      reporter.publishEntry(
          Map.of(
              "value", String.valueOf(value),
              "unix", unix.path().toString(),
              "field", field.path().toString(),
              "classWide", String.valueOf(classWide.port()),
              "static", String.valueOf(shared.port())));
    }

    @Nested
    class Inner {
      @Test
      void nested(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
        report(unix, classWide, reporter);
      }
    }
  }

  @Fixture
  @ParameterizedClass
  @ValueSource(ints = {1, 2})
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @WithUnixSocketServer
  @WithTcpServer(name = "class-wide", scope = Scope.PER_CLASS)
  static class PerClassLifecycle {
    // JUnit injects arguments of a PER_CLASS @ParameterizedClass into fields, not the constructor.
    @Parameter int value;
    @ManagedFake final TcpServer field = TcpServer.create().withName("field");
    private final TcpServer fromConstructor;

    PerClassLifecycle(TcpServer classWide) {
      this.fromConstructor = classWide;
    }

    @Test
    void first(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      report(unix, classWide, reporter);
    }

    @Test
    void second(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      report(unix, classWide, reporter);
    }

    private void report(UnixSocketServer unix, TcpServer classWide, TestReporter reporter) {
      assertSame(fromConstructor, classWide);
      assertTrue(unix.isRunning() && classWide.isRunning() && field.isRunning());
      reporter.publishEntry(
          Map.of(
              "value", String.valueOf(value),
              "unix", unix.path().toString(),
              "field", String.valueOf(field.port()),
              "classWide", String.valueOf(classWide.port())));
    }
  }
}
