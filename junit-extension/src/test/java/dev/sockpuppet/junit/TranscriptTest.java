package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.engine.reporting.FileEntry;
import org.opentest4j.AssertionFailedError;

/** Evidence on failure: transcripts in the failure, in files, as report attachments; cleanup. */
class TranscriptTest {
  private static final String FAILS = "fails(TcpServer, UnixSocketServer, TestReporter)";
  private static final String PASSES = "passes(TcpServer)";
  private static final String UNMATCHED = "unmatchedLine(TcpServer)";

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
    assertEquals(List.of("api.txt"), kit.files().get(PASSES).stream().map(f -> f.getPath().getFileName().toString()).toList());
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
    assertEquals(List.of("api.txt", "daemon.txt"), published.stream().map(f -> f.getPath().getFileName().toString()).toList());
    assertEquals(apiTranscript, Files.readString(published.get(0).getPath(), StandardCharsets.UTF_8));
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
    void fails(TcpServer api, @Fake("daemon") UnixSocketServer daemon, TestReporter reporter) {
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
}
