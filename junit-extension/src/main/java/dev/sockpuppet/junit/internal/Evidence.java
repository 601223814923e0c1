package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.export.TrafficExport;
import dev.sockpuppet.syslog.SyslogMessage;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stops a context's fakes when it ends and keeps the evidence: on failure (the test's own, or a
 * fake's {@code verify()}), the transcript of every fake the test could see is added to the failure
 * and, per {@code sockpuppet.transcripts.write}, written to {@code <dir>/<class>/<method>/<fake>.txt}
 * with the recording next to it as {@code <fake>.pcapng} (for Wireshark) and {@code <fake>.jsonl}
 * (JSON Lines), all three published as report attachments.
 *
 * <p>The order matters: stop the fakes (which verifies them, and puts the closing events in the
 * recording), render and keep the transcripts, and only then close the fakes, because closing
 * deletes the part of a recording that spilled to disk.
 *
 * <p>Runs in {@code afterEach}/{@code afterAll}, where {@link
 * ExtensionContext#getExecutionException()} tells whether the test failed and the fakes are still
 * there; a {@code TestWatcher} runs too late for that.
 */
public final class Evidence {
  private static final System.Logger LOG = System.getLogger(Evidence.class.getName());
  /** The files kept per fake: the transcript, the pcapng capture and the JSON Lines. */
  private static final List<String> EXTENSIONS = List.of(".txt", ".pcapng", ".jsonl");
  /** What a file name must not contain. */
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._$#-]");
  /**
   * Which class directories may hold evidence of an earlier failure for a passing test to delete:
   * most never exist, and looking for three files per fake cost more than the fake's start.
   */
  private static final StaleEvidence STALE = new StaleEvidence();

  private Evidence() {}

  /** After {@code @AfterEach} methods: stop the test's fakes, keep transcripts, report problems. */
  public static void afterEach(ExtensionContext testContext) {
    finish(testContext, Contexts.visibleFakes(testContext));
  }

  /** After {@code @AfterAll} methods: the same for the class's own fakes. */
  public static void afterAll(ExtensionContext classContext) {
    finish(classContext, Contexts.existingSet(classContext).map(FakeSet::fakes).orElse(List.of()));
  }

  private static void finish(ExtensionContext context, List<TrackedFake> shown) {
    Optional<FakeSet> own = Contexts.existingSet(context);
    List<Throwable> problems = new ArrayList<>(own.map(FakeSet::stop).orElse(List.of()));
    try {
      keep(context, shown, problems);
    } catch (RuntimeException e) {
      problems.add(e);
    } finally {
      own.ifPresent(set -> problems.addAll(set.closeFakes()));
    }
    if (!problems.isEmpty()) {
      Problems.rethrow(problems);
    }
  }

  /** Renders, writes, publishes and attaches the transcripts of {@code shown}, as the settings say. */
  private static void keep(ExtensionContext context, List<TrackedFake> shown, List<Throwable> problems) {
    if (shown.isEmpty()) {
      return;
    }
    Throwable failure = context.getExecutionException().orElse(null);
    boolean failed = failure != null || !problems.isEmpty();
    Settings settings = Contexts.settings(context);
    boolean writes = settings.transcripts().writes(failed);
    Path classDirectory = classDirectory(settings.directory(), context);
    if (!writes && !failed) {
      // A passing test needs no transcript (rendering one for every test would cost more than the
      // fake itself); it only removes what an earlier failure of it may have left.
      if (settings.transcripts() == TranscriptMode.ON_FAILURE && STALE.mayHold(classDirectory)) {
        Path directory = directory(classDirectory, context);
        Set<String> fileNames = new HashSet<>();
        for (TrackedFake fake : shown) {
          String baseName = uniqueBaseName(fake.name(), fileNames);
          for (String extension : EXTENSIONS) {
            deleteStale(directory.resolve(baseName + extension));
          }
        }
      }
      return;
    }
    Path directory = directory(classDirectory, context);
    Throwable carrier = failure != null ? failure : problems.isEmpty() ? null : problems.get(0);
    Set<String> fileNames = new HashSet<>();
    for (TrackedFake fake : shown) {
      String baseName = uniqueBaseName(fake.name(), fileNames);
      String transcript = transcript(fake.fake());
      Path file = null;
      if (writes) {
        STALE.writing(classDirectory);
        file = write(directory.resolve(baseName + ".txt"), transcript);
        if (file != null) {
          publish(context, baseName + ".txt", file);
          // The same recording for Wireshark and for scripts, next to the transcript.
          exportAndPublish(context, directory.resolve(baseName + ".pcapng"), TrafficExport.of(fake.fake())::writePcapng);
          exportAndPublish(context, directory.resolve(baseName + ".jsonl"), TrafficExport.of(fake.fake())::writeJsonLines);
        }
      }
      if (carrier != null) {
        carrier.addSuppressed(new FakeTranscript(fake.name(), transcript, file));
      }
    }
  }

  /**
   * Writes an export of a fake's recording and publishes it; a failure to is logged, like a
   * transcript's, and costs only that file.
   */
  private static void exportAndPublish(ExtensionContext context, Path file, Consumer<Path> export) {
    try {
      export.accept(file);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not write the Sockpuppet export " + file, e);
      return;
    }
    publish(context, file.getFileName().toString(), file.toAbsolutePath());
  }

  /**
   * The fake's transcript; a syslog daemon's is followed by the messages it parsed, one per line,
   * which say at a glance what the program logged (severity, app name, text, parse errors).
   */
  private static String transcript(Fake fake) {
    String transcript = fake.traffic().transcript();
    if (!(fake instanceof SyslogServer syslog)) {
      return transcript;
    }
    List<SyslogMessage> messages = syslog.messages();
    StringBuilder out = new StringBuilder(transcript);
    if (!transcript.isEmpty() && !transcript.endsWith("\n")) {
      out.append('\n');
    }
    out.append("syslog messages parsed: ").append(messages.size()).append('\n');
    for (SyslogMessage message : messages) {
      out.append("  ").append(message).append('\n');
    }
    return out.toString();
  }

  /**
   * {@code <dir>/<class>}: an invocation of a {@code @ParameterizedClass} adds its index to the
   * class ({@code FooTest#2}), one for each class template invocation around {@code context}.
   */
  private static Path classDirectory(Path base, ExtensionContext context) {
    return base.resolve(safe(context.getRequiredTestClass().getName() + classInvocations(context)));
  }

  /**
   * {@code <dir>/<class>} for a class, {@code <dir>/<class>/<method>} for a test. A repetition or
   * a parameterized invocation of a test adds its index to the method ({@code pings#2}).
   */
  private static Path directory(Path forClass, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      return forClass;
    }
    String method = context.getRequiredTestMethod().getName();
    boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
    if (invocation) {
      method += index(context);
    }
    return forClass.resolve(safe(method));
  }

  /** {@code #2} for each class template invocation around {@code context}, outermost first. */
  private static String classInvocations(ExtensionContext context) {
    String indices = "";
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (Contexts.isClassTemplateInvocation(c)) {
        indices = index(c) + indices;
      }
    }
    return indices;
  }

  /** The index of an invocation, {@code #2}, from the last segment of its unique id. */
  private static String index(ExtensionContext invocation) {
    String id = invocation.getUniqueId();
    int colon = id.lastIndexOf(':');
    return id.substring(colon + 1, id.length() - 1);
  }

  /** {@code api}, or {@code api-2} for a second fake of that name; the files add their extensions. */
  private static String uniqueBaseName(String fakeName, Set<String> taken) {
    String base = safe(fakeName);
    String candidate = base;
    for (int i = 2; !taken.add(candidate); i++) {
      candidate = base + "-" + i;
    }
    return candidate;
  }

  private static String safe(String text) {
    String safe = UNSAFE.matcher(text).replaceAll("_");
    return safe.length() > 120 ? safe.substring(0, 120) : safe;
  }

  /** Writes (or replaces, on a rerun) the transcript file; null if that failed. */
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

  /**
   * Attaches the written file to the test report. When the launcher cannot take attachments (no
   * output directory, as under {@code EngineTestKit} by default) or an old JUnit lacks the method,
   * the file and the failure already carry the evidence, so that is worth a debug line only.
   */
  private static void publish(ExtensionContext context, String name, Path file) {
    try {
      FilePublisher.publish(context, name, file);
    } catch (LinkageError e) {
      // JUnit before 5.14 has no publishFile with org.junit.jupiter.api.MediaType.
      LOG.log(System.Logger.Level.DEBUG, () -> "this JUnit cannot publish files; the file stays at " + file);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "did not publish " + file + ": " + causes(e));
    }
  }

  /** {@code e}'s message and its causes' on one line: JUnit wraps the reason in "Failed to publish path". */
  private static String causes(Throwable e) {
    StringBuilder out = new StringBuilder().append(e);
    int depth = 0;
    for (Throwable t = e.getCause(); t != null && depth < 5; t = t.getCause(), depth++) {
      out.append("; caused by ").append(t);
    }
    return out.toString();
  }
}
