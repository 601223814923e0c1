package dev.sockpuppet.junit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stops a context's fakes when it ends and keeps the evidence: on failure (the test's own, or a
 * fake's {@code verify()}), the transcript of every fake the test could see is added to the failure
 * and, per {@code sockpuppet.transcripts.write}, written under {@code
 * <dir>/<class>/<method>/<fake>.txt} and published as a report attachment.
 *
 * <p>Runs in {@code afterEach}/{@code afterAll}, where {@link
 * ExtensionContext#getExecutionException()} tells whether the test failed and the fakes are still
 * there; a {@code TestWatcher} runs too late for that.
 */
public final class Evidence {
  private static final System.Logger LOG = System.getLogger(Evidence.class.getName());

  private Evidence() {}

  /** After {@code @AfterEach} methods: stop the test's fakes, keep transcripts, report problems. */
  public static void afterEach(ExtensionContext testContext) {
    finish(testContext, Contexts.visibleFakes(testContext));
  }

  /** After {@code @AfterAll} methods: the same for the class's own fakes. */
  public static void afterAll(ExtensionContext classContext) {
    finish(classContext, Contexts.existingSet(classContext).map(FakeSet::fakes).orElse(List.of()));
  }

  private static void finish(ExtensionContext context, List<ManagedFake> shown) {
    Optional<FakeSet> own = Contexts.existingSet(context);
    // Stop first: that also verifies, and the transcript then includes the closing events.
    List<Throwable> problems = own.map(FakeSet::stop).orElse(List.of());
    if (shown.isEmpty()) {
      return;
    }
    Throwable failure = context.getExecutionException().orElse(null);
    boolean failed = failure != null || !problems.isEmpty();
    Settings settings = Contexts.settings(context);
    Path directory = directory(settings.directory(), context);
    Throwable carrier = failure != null ? failure : problems.isEmpty() ? null : problems.get(0);
    Set<String> fileNames = new HashSet<>();
    for (ManagedFake fake : shown) {
      String fileName = uniqueFileName(fake.name(), fileNames);
      boolean writes = settings.transcripts().writes(failed);
      if (!writes && carrier == null) {
        // A passing test needs no transcript; rendering one for every test would cost more than
        // the fake itself.
        if (settings.transcripts() == TranscriptMode.ON_FAILURE) {
          deleteStale(directory.resolve(fileName));
        }
        continue;
      }
      String transcript = fake.server().traffic().transcript();
      Path file = null;
      if (writes) {
        file = write(directory.resolve(fileName), transcript);
        if (file != null) {
          publish(context, fileName, file);
        }
      }
      if (carrier != null) {
        carrier.addSuppressed(new FakeTranscript(fake.name(), transcript, file));
      }
    }
    if (!problems.isEmpty()) {
      Problems.rethrow(problems);
    }
  }

  /** {@code <dir>/<class>} for a class, {@code <dir>/<class>/<method>} for a test. */
  private static Path directory(Path base, ExtensionContext context) {
    Path forClass = base.resolve(safe(context.getRequiredTestClass().getName()));
    if (context.getTestMethod().isEmpty()) {
      return forClass;
    }
    String method = context.getRequiredTestMethod().getName();
    // Repetitions and parameterized invocations share a method; the invocation's id keeps them apart.
    boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
    if (invocation) {
      String id = context.getUniqueId();
      int colon = id.lastIndexOf(':');
      method += id.substring(colon + 1, id.length() - 1);
    }
    return forClass.resolve(safe(method));
  }

  private static String uniqueFileName(String fakeName, Set<String> taken) {
    String base = safe(fakeName);
    String candidate = base + ".txt";
    for (int i = 2; !taken.add(candidate); i++) {
      candidate = base + "-" + i + ".txt";
    }
    return candidate;
  }

  private static String safe(String text) {
    String safe = text.replaceAll("[^A-Za-z0-9._$#-]", "_");
    return safe.length() > 120 ? safe.substring(0, 120) : safe;
  }

  private static Path write(Path file, String transcript) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, transcript, StandardCharsets.UTF_8);
      return file.toAbsolutePath();
    } catch (IOException | RuntimeException e) {
      // Evidence is a courtesy: failing a passing test because a report file could not be written
      // would be worse than the missing file, and the failure output still carries the transcript.
      LOG.log(System.Logger.Level.WARNING, "could not write the Sockpuppet transcript " + file, e);
      return null;
    }
  }

  private static void deleteStale(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not remove the stale transcript " + file, e);
    }
  }

  private static void publish(ExtensionContext context, String name, Path file) {
    try {
      FilePublisher.publish(context, name, file);
    } catch (LinkageError e) {
      // JUnit before 5.14 has no publishFile with org.junit.jupiter.api.MediaType; the file stays.
      LOG.log(System.Logger.Level.DEBUG, "this JUnit cannot publish files; the transcript stays at " + file, e);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not publish the Sockpuppet transcript " + file, e);
    }
  }
}
