package dev.sockpuppet.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs {@link Fixture} classes through the Jupiter engine and reads what happened. */
final class TestKit {
  /** The configuration parameter that enables fixtures. */
  static final String ENABLE = "sockpuppet.test.fixtures";

  /** Sequential, or with JUnit's parallel execution in concurrent mode. */
  enum Mode {
    SEQUENTIAL(Map.of()),
    PARALLEL(
        Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent"));

    private final Map<String, String> parameters;

    Mode(Map<String, String> parameters) {
      this.parameters = parameters;
    }
  }

  private final EngineExecutionResults results;
  private final Path transcripts;

  private TestKit(EngineExecutionResults results, Path transcripts) {
    this.results = results;
    this.transcripts = transcripts;
  }

  /** Where the run's transcripts go ({@code sockpuppet.transcripts.dir}). */
  Path transcripts() {
    return transcripts;
  }

  /** Runs a fresh copy of {@code fixture} (see {@link FreshClassLoader}). */
  static TestKit run(Class<?> fixture, Mode mode, Map<String, String> parameters) {
    return of(FreshClassLoader.fresh(fixture)).mode(mode).parameters(parameters).run();
  }

  static TestKit run(Class<?> fixture, Mode mode) {
    return run(fixture, mode, Map.of());
  }

  /**
   * Asserts that the run had exactly the tests of {@code expected} (by display name) and that each
   * failed with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} with
   * exactly that message.
   */
  void assertConfigurationFailures(Map<String, String> expected) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), tests().keySet());
    expected.forEach((test, message) -> {
      Throwable failure = failure(test);
      org.junit.jupiter.api.Assertions.assertInstanceOf(
          org.junit.jupiter.api.extension.ExtensionConfigurationException.class, failure, () -> describe(failure));
      org.junit.jupiter.api.Assertions.assertEquals(message, failure.getMessage());
    });
  }

  /**
   * A run of {@code classes} as they are, in one engine run: pass {@link FreshClassLoader} copies
   * unless running the same class object again is the point.
   */
  static Run of(Class<?>... classes) {
    return new Run(List.of(classes));
  }

  /** A fresh directory under target/testkit-runs, so runs leave nothing outside the build directory. */
  static Path newRunDirectory() {
    try {
      Path runs = Files.createDirectories(Path.of("target", "testkit-runs"));
      return Files.createTempDirectory(runs.toAbsolutePath(), "run");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How to run: classes, mode, parameters, and where reports and transcripts go. */
  static final class Run {
    private final List<Class<?>> classes;
    private Mode mode = Mode.SEQUENTIAL;
    private final Map<String, String> parameters = new HashMap<>();
    private Path root = newRunDirectory();
    private boolean reports = true;

    private Run(List<Class<?>> classes) {
      this.classes = classes;
    }

    Run mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    Run parameters(Map<String, String> parameters) {
      this.parameters.putAll(parameters);
      return this;
    }

    /** Report attachments and transcripts under {@code root} (default: a fresh directory). */
    Run in(Path root) {
      this.root = root;
      return this;
    }

    /** No output directory creator: EngineTestKit's default, which refuses attachments. */
    Run withoutReportDirectory() {
      this.reports = false;
      return this;
    }

    TestKit run() {
      Map<String, String> all = new HashMap<>(mode.parameters);
      all.putAll(parameters);
      all.put(ENABLE, "true");
      all.putIfAbsent("sockpuppet.transcripts.dir", root.resolve("transcripts").toString());
      EngineTestKit.Builder builder =
          EngineTestKit.engine("junit-jupiter")
              .selectors(classes.stream().map(c -> selectClass(c)).toArray(ClassSelector[]::new))
              .configurationParameters(all)
              .enableImplicitConfigurationParameters(false);
      if (reports) {
        builder.outputDirectoryCreator(new ReportDirectories(root));
      }
      return new TestKit(builder.execute(), Path.of(all.get("sockpuppet.transcripts.dir")));
    }
  }

  /** Every finished test by method name (display names are method names plus "()"). */
  Map<String, TestExecutionResult> tests() {
    return finished(results.testEvents().finished().list());
  }

  /**
   * Every finished test by the display names of its path below the engine, e.g. {@code
   * [1] 1 / test(TcpServer)} for a test of a {@code @ParameterizedClass}, whose tests repeat names.
   */
  Map<String, TestExecutionResult> testsByPath() {
    Map<String, TestExecutionResult> byPath = new LinkedHashMap<>();
    for (Event event : results.testEvents().finished().list()) {
      byPath.put(path(event.getTestDescriptor()), event.getPayload(TestExecutionResult.class).orElseThrow());
    }
    return byPath;
  }

  /** Every finished container (the engine, classes) by display name, e.g. {@code Evidence}. */
  Map<String, TestExecutionResult> containers() {
    Map<String, TestExecutionResult> byName = new LinkedHashMap<>();
    for (Event event : results.containerEvents().finished().list()) {
      byName.put(path(event.getTestDescriptor()), event.getPayload(TestExecutionResult.class).orElseThrow());
    }
    return byName;
  }

  /** Whether every test and container succeeded; the outcomes, described, when not. */
  Optional<String> problems() {
    List<String> problems = new ArrayList<>();
    testsByPath().forEach((name, result) -> {
      if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
        problems.add(name + " -> " + describe(result));
      }
    });
    containers().forEach((name, result) -> {
      if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
        problems.add(name + " -> " + describe(result));
      }
    });
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", problems));
  }

  /** The result of the fixture class {@code fixture} (its fresh copy: matched by name). */
  TestExecutionResult container(Class<?> fixture) {
    return results.containerEvents().finished().list().stream()
        .filter(e -> e.getTestDescriptor().getSource()
            .filter(s -> s instanceof ClassSource c && c.getClassName().equals(fixture.getName())).isPresent())
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container for " + fixture.getName() + "; finished: " + containers()));
  }

  /** The result of the test whose display name is {@code displayName}. */
  TestExecutionResult test(String displayName) {
    TestExecutionResult result = tests().get(displayName);
    if (result == null) {
      throw new AssertionError(
          "no test named " + displayName + " finished; finished: " + tests().keySet() + "; containers: " + containers());
    }
    return result;
  }

  /** The failure of a test that must have failed. */
  Throwable failure(String displayName) {
    TestExecutionResult result = test(displayName);
    if (result.getStatus() != TestExecutionResult.Status.FAILED) {
      throw new AssertionError(displayName + " should have failed but " + describe(result));
    }
    return result.getThrowable().orElseThrow();
  }

  /** The report entries each test published, in order: display name → (key → value). */
  Map<String, Map<String, String>> reports() {
    return reports(e -> e.getTestDescriptor().getDisplayName());
  }

  /** The report entries each test published, by the display names of its path (see {@link #testsByPath()}). */
  Map<String, Map<String, String>> reportsByPath() {
    return reports(e -> path(e.getTestDescriptor()));
  }

  private Map<String, Map<String, String>> reports(java.util.function.Function<Event, String> key) {
    Map<String, Map<String, String>> reports = new LinkedHashMap<>();
    for (Event event : results.allEvents().reportingEntryPublished().list()) {
      ReportEntry entry = event.getPayload(ReportEntry.class).orElseThrow();
      reports.computeIfAbsent(key.apply(event), k -> new LinkedHashMap<>()).putAll(entry.getKeyValuePairs());
    }
    return reports;
  }

  /** One value a test published with {@code TestReporter}. */
  String report(String displayName, String key) {
    return Optional.ofNullable(reports().get(displayName)).map(m -> m.get(key))
        .orElseThrow(() -> new AssertionError(displayName + " published no " + key + "; reports: " + reports()));
  }

  /** Files published, by test display name. */
  Map<String, List<FileEntry>> files() {
    return results.allEvents().fileEntryPublished().list().stream()
        .collect(Collectors.groupingBy(
            e -> e.getTestDescriptor().getDisplayName(),
            LinkedHashMap::new,
            Collectors.mapping(e -> e.getPayload(FileEntry.class).orElseThrow(), Collectors.toList())));
  }

  /** A result with its throwable's stack trace, shortened to the lines that say what happened. */
  static String describe(TestExecutionResult result) {
    return result.getStatus() + result.getThrowable().map(t -> ": " + describe(t)).orElse("");
  }

  /** A throwable with causes and suppressed exceptions, shortened to the lines that say what happened. */
  static String describe(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString().lines()
        .filter(l -> !l.startsWith("\tat ") || l.contains("dev.sockpuppet"))
        .limit(60)
        .collect(Collectors.joining("\n"));
  }

  private static String path(TestDescriptor descriptor) {
    List<String> names = new ArrayList<>();
    for (TestDescriptor d = descriptor; d != null && d.getParent().isPresent(); d = d.getParent().orElse(null)) {
      names.add(0, d.getDisplayName());
    }
    return names.isEmpty() ? descriptor.getDisplayName() : String.join(" / ", names);
  }

  private static Map<String, TestExecutionResult> finished(List<Event> events) {
    Map<String, TestExecutionResult> byName = new LinkedHashMap<>();
    for (Event event : events) {
      TestExecutionResult previous =
          byName.put(event.getTestDescriptor().getDisplayName(), event.getPayload(TestExecutionResult.class).orElseThrow());
      if (previous != null) {
        throw new AssertionError("two tests are named " + event.getTestDescriptor().getDisplayName() + "; rename one");
      }
    }
    return byName;
  }

  /** Where published files go: one directory per test under a root directory. */
  private record ReportDirectories(Path root) implements OutputDirectoryCreator {
    @Override
    public Path getRootDirectory() {
      return root;
    }

    @Override
    public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
      return Files.createDirectories(root.resolve(descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9._-]", "_")));
    }
  }
}
