package dev.sockpuppet.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
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
    Path reportDirectory;
    try {
      // Under target/, so runs leave nothing outside the build directory.
      Path runs = Files.createDirectories(Path.of("target", "testkit-runs"));
      reportDirectory = Files.createTempDirectory(runs.toAbsolutePath(), "run");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> all = new HashMap<>(mode.parameters);
    all.putAll(parameters);
    all.put(ENABLE, "true");
    all.putIfAbsent("sockpuppet.transcripts.dir", reportDirectory.resolve("transcripts").toString());
    return new TestKit(
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FreshClassLoader.fresh(fixture)))
            .configurationParameters(all)
            .enableImplicitConfigurationParameters(false)
            .outputDirectoryCreator(new ReportDirectories(reportDirectory))
            .execute(),
        Path.of(all.get("sockpuppet.transcripts.dir")));
  }

  static TestKit run(Class<?> fixture, Mode mode) {
    return run(fixture, mode, Map.of());
  }

  /** Every finished test by method name (display names are method names plus "()"). */
  Map<String, TestExecutionResult> tests() {
    return finished(results.testEvents().finished().list());
  }

  /** Every finished container (the engine, classes) by display name, e.g. {@code Evidence}. */
  Map<String, TestExecutionResult> containers() {
    return finished(results.containerEvents().finished().list());
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
      throw new AssertionError("no test named " + displayName + " finished; finished: " + tests().keySet());
    }
    return result;
  }

  /** The failure of a test that must have failed. */
  Throwable failure(String displayName) {
    TestExecutionResult result = test(displayName);
    if (result.getStatus() != TestExecutionResult.Status.FAILED) {
      throw new AssertionError(displayName + " should have failed but " + result);
    }
    return result.getThrowable().orElseThrow();
  }

  /** The report entries each test published, in order: display name → (key → value). */
  Map<String, Map<String, String>> reports() {
    Map<String, Map<String, String>> reports = new LinkedHashMap<>();
    for (Event event : results.allEvents().reportingEntryPublished().list()) {
      ReportEntry entry = event.getPayload(ReportEntry.class).orElseThrow();
      reports.computeIfAbsent(event.getTestDescriptor().getDisplayName(), k -> new LinkedHashMap<>())
          .putAll(entry.getKeyValuePairs());
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

  /** Where published files go: one directory per test under a fresh temporary root. */
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
