package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.engine.reporting.FileEntry;
import org.opentest4j.AssertionFailedError;

/**
 * Evidence on failure: transcripts in the failure, in files, as report attachments; reruns, runs
 * without a report directory, spilled recordings; cleanup.
 */
class TranscriptTest {
  private static final String FAILS = "fails(TcpServer, UnixSocketServer, TestReporter)";
  private static final String PASSES = "passes(TcpServer)";
  private static final String UNMATCHED = "unmatchedLine(TcpServer)";
  private static final String FAILS_ON_PURPOSE = "fails(TcpServer)";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void onFailureTheTranscriptsGoIntoTheFailureAFileAndTheReport(Mode mode) throws IOException {
    checkOnFailure(mode);
  }

  @Test
  void alwaysWritesForPassingTestsToo() {
    TestKit kit = TestKit.run(Evidence.class, Mode.SEQUENTIAL, Map.of("sockpuppet.transcripts.write", "always"));
    assertEquals(Status.SUCCESSFUL, kit.test(PASSES).getStatus());
    assertTrue(Files.isRegularFile(methodDirectory(kit, "passes").resolve("api.txt")));
    assertEquals(List.of("api.txt", "api.pcapng", "api.jsonl"),
        kit.files().get(PASSES).stream().map(f -> f.getPath().getFileName().toString()).toList());
  }

  @Test
  void neverWritesFilesButTheFailureStillCarriesTheTranscript() {
    TestKit kit = TestKit.run(Evidence.class, Mode.SEQUENTIAL, Map.of("sockpuppet.transcripts.write", "never"));
    Throwable failure = kit.failure(FAILS);
    assertEquals(2, transcripts(failure).size());
    assertTrue(transcripts(failure).get(0).getMessage().startsWith("transcript of fake 'api':\n"), transcripts(failure).get(0).getMessage());
    assertTrue(Files.notExists(kit.transcripts()));
    assertTrue(kit.files().isEmpty(), () -> kit.files().toString());
  }

  @Test
  void anInvalidModeIsAConfigurationError() {
    TestKit kit = TestKit.run(Evidence.class, Mode.SEQUENTIAL, Map.of("sockpuppet.transcripts.write", "sometimes"));
    // Settings are read when the class starts, so the class fails and none of its tests run.
    assertTrue(kit.tests().isEmpty(), () -> kit.tests().toString());
    Throwable failure = kit.container(Evidence.class).getThrowable().orElseThrow();
    assertInstanceOf(ExtensionConfigurationException.class, failure);
    assertEquals(
        "the configuration parameter sockpuppet.transcripts.write is invalid: \"sometimes\" is not one of on-failure, always, never",
        failure.getMessage());
  }

  /** Issue 7, item 13: the second run found the first run's attachment and logged a warning. */
  @ParameterizedTest
  @ResourceLock(LogCapture.LOGGING)
  @EnumSource(Mode.class)
  void rerunningAFailingTestWithoutCleanReplacesItsFilesQuietly(Mode mode) throws IOException {
    Path root = TestKit.newRunDirectory();
    Class<?> fixture = FreshClassLoader.fresh(FailsOnPurpose.class); // one class object: its run counter goes on
    for (int run = 1; run <= 2; run++) {
      try (LogCapture log = LogCapture.start()) {
        TestKit kit = TestKit.of(fixture).mode(mode).in(root).run();
        Throwable failure = kit.failure(FAILS_ON_PURPOSE);
        assertEquals("on purpose", failure.getMessage(), () -> TestKit.describe(failure));
        assertEquals(1, transcripts(failure).size(), () -> TestKit.describe(failure));
        assertEquals(List.of(), log.above(Level.FINE), log::describe);
        assertTrue(log.all().stream().noneMatch(r -> mentions(r, "FileAlreadyExists")), log::describe);
        List<FileEntry> published = kit.files().get(FAILS_ON_PURPOSE);
        assertEquals(3, published.size(), () -> kit.files().toString());
        // Both the file and the attachment hold this run's transcript, not the previous one's.
        String transcript = Files.readString(published.get(0).getPath(), StandardCharsets.UTF_8);
        assertTrue(transcript.contains("run " + run), transcript);
        assertEquals(transcript, Files.readString(fileOf(kit, FailsOnPurpose.class, "fails", "api"), StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * A transcript saying a test failed, left from a run in which it did, is removed when the test
   * passes: also when the class's directory was first seen empty in this JVM (which spares every
   * other passing test the look for files) and the failure was written after that.
   */
  @Test
  void aPassingTestRemovesTheEvidenceOfItsEarlierFailureInTheSameJvm() throws IOException {
    Path root = TestKit.newRunDirectory();
    Class<?> fixture = FreshClassLoader.fresh(FailsOnceThenPasses.class); // one class object: its run counter goes on
    TestKit first = TestKit.of(fixture).mode(Mode.SEQUENTIAL).in(root).run();
    assertEquals(Status.SUCCESSFUL, first.test("a_passes(TcpServer)").getStatus());
    assertEquals(Status.FAILED, first.test("b_failsOnTheFirstRun(TcpServer)").getStatus());
    Path transcript = fileOf(first, FailsOnceThenPasses.class, "b_failsOnTheFirstRun", "api");
    for (String extension : List.of(".txt", ".pcapng", ".jsonl")) {
      assertTrue(Files.exists(transcript.resolveSibling("api" + extension)), extension);
    }
    TestKit second = TestKit.of(fixture).mode(Mode.SEQUENTIAL).in(root).run();
    assertEquals(Status.SUCCESSFUL, second.test("b_failsOnTheFirstRun(TcpServer)").getStatus());
    for (String extension : List.of(".txt", ".pcapng", ".jsonl")) {
      assertFalse(Files.exists(transcript.resolveSibling("api" + extension)), extension + " of the failure is gone");
    }
  }

  /** The same for evidence an earlier JVM left. */
  @Test
  void aPassingTestRemovesTheEvidenceAnEarlierJvmLeft() throws IOException {
    Path root = TestKit.newRunDirectory();
    Path directory = root.resolve("transcripts").resolve(FailsOnceThenPasses.class.getName()).resolve("a_passes");
    Files.createDirectories(directory);
    for (String extension : List.of(".txt", ".pcapng", ".jsonl")) {
      Files.writeString(directory.resolve("api" + extension), "from an earlier run");
    }
    Path other = directory.resolveSibling("unrelated.txt");
    Files.writeString(other, "not ours");
    TestKit kit = TestKit.of(FreshClassLoader.fresh(FailsOnceThenPasses.class)).mode(Mode.SEQUENTIAL).in(root).run();
    assertEquals(Status.SUCCESSFUL, kit.test("a_passes(TcpServer)").getStatus());
    for (String extension : List.of(".txt", ".pcapng", ".jsonl")) {
      assertFalse(Files.exists(directory.resolve("api" + extension)), extension + " of the earlier failure is gone");
    }
    assertTrue(Files.exists(other), "only a fake's own files are removed");
  }

  /** Issue 7, item 13: without an output directory creator the extension logged a warning with a stack trace. */
  @ParameterizedTest
  @ResourceLock(LogCapture.LOGGING)
  @EnumSource(Mode.class)
  void withoutAReportDirectoryTheFileAndTheFailureCarryTheEvidenceAndOnlyADebugLineIsLogged(Mode mode)
      throws IOException {
    try (LogCapture log = LogCapture.start()) {
      TestKit kit = TestKit.of(FreshClassLoader.fresh(FailsOnPurpose.class)).mode(mode).withoutReportDirectory().run();
      Throwable failure = kit.failure(FAILS_ON_PURPOSE);
      assertEquals("on purpose", failure.getMessage(), () -> TestKit.describe(failure));
      List<Throwable> transcripts = transcripts(failure);
      assertEquals(1, transcripts.size(), () -> TestKit.describe(failure));
      Path file = fileOf(kit, FailsOnPurpose.class, "fails", "api").toAbsolutePath();
      String header = "transcript of fake 'api' (also in " + file + "):\n";
      assertEquals(header + Files.readString(file, StandardCharsets.UTF_8), transcripts.get(0).getMessage());
      assertTrue(kit.files().isEmpty(), () -> kit.files().toString());
      assertEquals(List.of(), log.above(Level.FINE), log::describe);
      // Tests running alongside log too; what this run logged is about its own files: the
      // transcript, the pcapng and the JSON Lines.
      List<LogRecord> debug = log.mentioning(kit.transcripts().toString());
      assertEquals(3, debug.size(), log::describe);
      String base = file.toString().substring(0, file.toString().length() - ".txt".length());
      for (int i = 0; i < 3; i++) {
        String name = base + List.of(".txt", ".pcapng", ".jsonl").get(i);
        assertTrue(debug.get(i).getMessage().startsWith("did not publish " + name + ": "), log::describe);
        assertNull(debug.get(i).getThrown(), log::describe);
      }
    }
  }

  /** Issue 7, item 14: the fakes were closed, deleting the spill file, before the transcript was rendered. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSpilledRecordingStillGivesTheFailureItsTranscript(Mode mode) throws IOException {
    TestKit kit = TestKit.run(SpilledFails.class, mode);
    Throwable failure = kit.failure("fails(TcpServer, TestReporter)");
    String details = TestKit.describe(failure);
    assertInstanceOf(AssertionFailedError.class, failure, details);
    assertEquals("on purpose", failure.getMessage(), details);
    assertFalse(hasAnywhere(failure, IllegalStateException.class), details);
    List<Throwable> transcripts = transcripts(failure);
    assertEquals(1, transcripts.size(), details);
    assertTrue(transcripts.get(0).getMessage().contains("spilled bytes"), details);
    assertTrue(Files.readString(fileOf(kit, SpilledFails.class, "fails", "api")).contains("spilled bytes"));
    // The evidence kept, the fake was closed, which deletes its spill file.
    Path spill = Path.of(kit.report("fails(TcpServer, TestReporter)", "spillFile"));
    assertTrue(Files.notExists(spill), "spill file left behind: " + spill);
  }

  /** Issue 7, item 14: with transcripts always written, the spilled recording failed a passing test. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSpilledRecordingDoesNotFailAPassingTestThatWritesAlways(Mode mode) throws IOException {
    TestKit kit = TestKit.run(SpilledPasses.class, mode, Map.of("sockpuppet.transcripts.write", "always"));
    assertEquals(Optional.empty(), kit.problems());
    assertTrue(Files.readString(fileOf(kit, SpilledPasses.class, "passes", "api")).contains("spilled bytes"));
    Path spill = Path.of(kit.report("passes(TcpServer, TestReporter)", "spillFile"));
    assertTrue(Files.notExists(spill), "spill file left behind: " + spill);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachInvocationOfAParameterizedClassKeepsItsOwnTranscripts(Mode mode) throws IOException {
    checkParameterizedClass(mode);
  }

  static void checkParameterizedClass(Mode mode) throws IOException {
    TestKit kit = TestKit.run(ParameterizedEvidence.class, mode);
    assertEquals(2, kit.testsByPath().size(), () -> kit.testsByPath().toString());
    for (int value = 1; value <= 2; value++) {
      Path file = kit.transcripts().resolve(ParameterizedEvidence.class.getName() + "#" + value).resolve("fails").resolve("api.txt");
      String transcript = Files.readString(file, StandardCharsets.UTF_8);
      assertTrue(transcript.contains("value " + value), transcript);
    }
  }

  static void checkOnFailure(Mode mode) throws IOException {
    TestKit kit = TestKit.run(Evidence.class, mode);
    assertEquals(3, kit.tests().size(), () -> kit.tests().toString());

    // A failing test: its own error, with one transcript per fake it could see.
    Throwable failure = kit.failure(FAILS);
    assertInstanceOf(AssertionFailedError.class, failure);
    assertEquals("the program under test misbehaved", failure.getMessage());
    List<Throwable> transcripts = transcripts(failure);
    assertEquals(2, transcripts.size(), () -> Arrays.toString(failure.getSuppressed()));
    Path apiFile = methodDirectory(kit, "fails").resolve("api.txt").toAbsolutePath();
    String apiMessage = transcripts.get(0).getMessage();
    String header = "transcript of fake 'api' (also in " + apiFile + "):\n";
    assertTrue(apiMessage.startsWith(header), apiMessage);
    String apiTranscript = Files.readString(apiFile, StandardCharsets.UTF_8);
    assertEquals(header + apiTranscript, apiMessage);
    assertTrue(apiTranscript.contains("PING") && apiTranscript.contains("PONG"), apiTranscript);
    assertTrue(transcripts.get(1).getMessage().startsWith("transcript of fake 'daemon' (also in "), transcripts.get(1).getMessage());
    List<FileEntry> published = kit.files().get(FAILS);
    assertEquals(
        List.of("api.txt", "api.pcapng", "api.jsonl", "daemon.txt", "daemon.pcapng", "daemon.jsonl"),
        published.stream().map(f -> f.getPath().getFileName().toString()).toList());
    assertEquals(apiTranscript, Files.readString(published.get(0).getPath(), StandardCharsets.UTF_8));
    // Next to each transcript, the recording as pcapng (a section header first) and as JSON Lines.
    for (String fake : List.of("api", "daemon")) {
      Path pcapng = methodDirectory(kit, "fails").resolve(fake + ".pcapng");
      byte[] magic = Arrays.copyOf(Files.readAllBytes(pcapng), 4);
      assertArrayEquals(new byte[] {0x0A, 0x0D, 0x0D, 0x0A}, magic, pcapng.toString());
      assertEquals(Files.size(pcapng), Files.size(published.stream()
          .filter(f -> f.getPath().getFileName().toString().equals(fake + ".pcapng")).findFirst().orElseThrow().getPath()));
      assertEquals("application/x-pcapng", published.stream()
          .filter(f -> f.getPath().getFileName().toString().equals(fake + ".pcapng")).findFirst().orElseThrow()
          .getMediaType().orElseThrow());
    }
    List<String> jsonl = Files.readAllLines(methodDirectory(kit, "fails").resolve("api.jsonl"), StandardCharsets.UTF_8);
    assertTrue(jsonl.get(0).startsWith("{\"type\":\"fake\",\"fake\":\"TcpServer 'api'\""), jsonl.get(0));
    assertTrue(jsonl.stream().anyMatch(line -> line.startsWith("{\"type\":\"chunk\"") && line.contains("\"text\":\"PING\\n\"")),
        () -> String.join("\n", jsonl));
    // The socket file went away although the test failed.
    Path socket = Path.of(kit.report(FAILS, "socket"));
    assertTrue(Files.notExists(socket), "socket file left behind: " + socket);

    // A passing test: no transcript anywhere.
    assertEquals(Status.SUCCESSFUL, kit.test(PASSES).getStatus());
    assertTrue(Files.notExists(methodDirectory(kit, "passes")));
    assertNull(kit.files().get(PASSES));

    // A test that passed but whose fake saw a line no rule matched: the fake's verify() fails it.
    Throwable unmatched = kit.failure(UNMATCHED);
    assertInstanceOf(AssertionFailedError.class, unmatched);
    assertTrue(unmatched.getMessage().startsWith("TcpServer 'api' had 1 problem:"), unmatched.getMessage());
    assertTrue(unmatched.getMessage().contains("HELLO"), unmatched.getMessage());
    assertEquals(1, transcripts(unmatched).size(), () -> Arrays.toString(unmatched.getSuppressed()));
    assertTrue(Files.isRegularFile(methodDirectory(kit, "unmatchedLine").resolve("api.txt")));
  }

  private static Path fileOf(TestKit kit, Class<?> fixture, String method, String fake) {
    return kit.transcripts().resolve(fixture.getName()).resolve(method).resolve(fake + ".txt");
  }

  private static boolean mentions(LogRecord record, String text) {
    if (record.getMessage() != null && record.getMessage().contains(text)) {
      return true;
    }
    for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
      if (t.toString().contains(text)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code t}, its causes or its suppressed exceptions (recursively) include a {@code type}. */
  private static boolean hasAnywhere(Throwable t, Class<? extends Throwable> type) {
    if (t == null) {
      return false;
    }
    if (type.isInstance(t) || hasAnywhere(t.getCause(), type)) {
      return true;
    }
    return Arrays.stream(t.getSuppressed()).anyMatch(s -> hasAnywhere(s, type));
  }

  private static Path methodDirectory(TestKit kit, String method) {
    return kit.transcripts().resolve("dev.sockpuppet.junit.TranscriptTest$Evidence").resolve(method);
  }

  private static List<Throwable> transcripts(Throwable failure) {
    return Arrays.stream(failure.getSuppressed())
        .filter(t -> t.getClass().getName().equals("dev.sockpuppet.junit.internal.FakeTranscript"))
        .toList();
  }

  @Fixture
  @WithTcpServer(name = "api", lines = {"PING -> PONG"})
  static class Evidence {
    @Test
    @WithUnixSocketServer(name = "daemon")
    void fails(TcpServer api, @ManagedFake("daemon") UnixSocketServer daemon, TestReporter reporter) {
      assertEquals("PONG\n", Clients.exchangeTcp(api.address(), "PING\n"));
      Clients.sendUnix(daemon.path(), "status\n");
      daemon.awaitReceivedLine("status");
      reporter.publishEntry("socket", daemon.path().toString());
      fail("the program under test misbehaved");
    }

    @Test
    void passes(TcpServer api) {
      assertEquals("PONG\n", Clients.exchangeTcp(api.address(), "PING\n"));
    }

    @Test
    void unmatchedLine(TcpServer api) {
      assertEquals("", Clients.exchangeTcp(api.address(), "HELLO\n"));
    }
  }

  @Fixture
  @WithTcpServer(name = "api")
  static class FailsOnPurpose {
    static final AtomicInteger runs = new AtomicInteger();

    @Test
    void fails(TcpServer api) {
      String run = "run " + runs.incrementAndGet();
      assertEquals("", Clients.exchangeTcp(api.address(), run));
      api.awaitReceived(run);
      fail("on purpose");
    }
  }

  @Fixture
  @WithTcpServer(name = "api")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class FailsOnceThenPasses {
    static final AtomicInteger runs = new AtomicInteger();

    @Test
    void a_passes(TcpServer api) {
      assertTrue(api.isRunning());
    }

    @Test
    void b_failsOnTheFirstRun(TcpServer api) {
      if (runs.incrementAndGet() == 1) {
        fail("first run");
      }
    }
  }

  @Fixture
  @WithTcpServer(name = "api", memoryLimit = 0)
  static class SpilledFails {
    @Test
    void fails(TcpServer api, TestReporter reporter) {
      assertEquals("", Clients.exchangeTcp(api.address(), "spilled bytes"));
      api.awaitReceived("spilled bytes");
      reporter.publishEntry("spillFile", api.recordingUsage().spillFile().orElseThrow().toString());
      fail("on purpose");
    }
  }

  @Fixture
  @WithTcpServer(name = "api", memoryLimit = 0)
  static class SpilledPasses {
    @Test
    void passes(TcpServer api, TestReporter reporter) {
      assertEquals("", Clients.exchangeTcp(api.address(), "spilled bytes"));
      api.awaitReceived("spilled bytes");
      reporter.publishEntry("spillFile", api.recordingUsage().spillFile().orElseThrow().toString());
    }
  }

  @Fixture
  @ParameterizedClass
  @ValueSource(ints = {1, 2})
  @WithTcpServer(name = "api")
  static class ParameterizedEvidence {
    @Parameter int value;

    @Test
    void fails(TcpServer api) {
      assertEquals("", Clients.exchangeTcp(api.address(), "value " + value));
      api.awaitReceived("value " + value);
      fail("on purpose");
    }
  }
}
