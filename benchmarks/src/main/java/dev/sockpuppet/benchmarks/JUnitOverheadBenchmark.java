package dev.sockpuppet.benchmarks;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.sockpuppet.junit.WithUnixSocketServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code @WithUnixSocketServer} adds to a test: a class of 1,000 tests, each with a fresh fake
 * Unix socket server injected, run through the JUnit Platform launcher, next to the same 1,000
 * tests without the annotation in the same run. The difference divided by 1,000 is the per-test
 * overhead: the extension's callbacks, parameter resolution, the server's start and stop, and its
 * verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class JUnitOverheadBenchmark {
  static final int TESTS = 1_000;

  /** Which class the launcher runs. */
  public enum Suite {
    /** The baseline: 1,000 tests that do the same work without a fake. */
    PLAIN(PlainTests.class),
    /** 1,000 tests, each with a fresh {@code @WithUnixSocketServer} fake. */
    WITH_UNIX_SOCKET_SERVER(FakeTests.class),
    /**
     * 1,000 tests sharing one fake of the class, injected into each: the extension's own share
     * (lookup, store, parameter resolution, the per-test stop and verify pass) without a fake's
     * start and stop per test.
     */
    WITH_PER_CLASS_FAKE(SharedFakeTests.class);

    final Class<?> testClass;

    Suite(Class<?> testClass) {
      this.testClass = testClass;
    }
  }

  @Param
  public Suite suite;

  private Launcher launcher;

  @Setup
  public void setUp() {
    launcher = LauncherFactory.create();
  }

  @Benchmark
  public long thousandTests() {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request().selectors(selectClass(suite.testClass)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    if (summary.getTestsSucceededCount() != TESTS) {
      throw new IllegalStateException(
          suite + ": " + summary.getTestsSucceededCount() + " of " + TESTS + " tests passed, "
              + summary.getTestsFailedCount() + " failed: " + summary.getFailures());
    }
    return summary.getTestsSucceededCount();
  }

  /** The work both suites do in each test, so that only the fake differs. */
  static void body(String value) {
    if (value.isEmpty()) {
      throw new AssertionError("empty");
    }
  }

  /** 1,000 tests without a fake. */
  public static class PlainTests {
    @RepeatedTest(TESTS)
    void test() {
      body("no fake");
    }
  }

  /** 1,000 tests, each with a fresh fake Unix socket server. */
  public static class FakeTests {
    @RepeatedTest(TESTS)
    @WithUnixSocketServer
    void test(UnixSocketServer server) {
      body(server.path().toString());
    }
  }

  /** 1,000 tests, each injected with the one fake of the class. */
  @WithUnixSocketServer(scope = dev.sockpuppet.junit.Scope.PER_CLASS)
  public static class SharedFakeTests {
    @RepeatedTest(TESTS)
    void test(UnixSocketServer server) {
      body(server.path().toString());
    }
  }
}
