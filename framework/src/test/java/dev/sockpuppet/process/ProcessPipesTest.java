package dev.sockpuppet.process;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.behaviour.Script;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "standard streams are connected through mkfifo(1) pipes")
class ProcessPipesTest {
  /** Generous for a slow CI machine, yet far below the process's own lifetime (sleep 1000). */
  private static final Duration STOP_BOUND = Duration.ofSeconds(8);

  @Test
  void sortSortsWhatItReadsOnStdin() {
    ExternalTools.require("sort");
    try (ProcessPipes sort = ProcessPipes.create("sort").start()) {
      sort.sendLine("pear").sendLine("apple").sendLine("banana").sendEof();
      assertEquals(0, sort.awaitExit());
      assertThat(sort).receivedExactly("apple\nbanana\npear\n").sentExactly("pear\napple\nbanana\n").isPeerHalfClosed();
      assertThat(sort.stderr()).receivedNothing();
      assertEquals(OptionalInt.of(0), sort.exitCode());
      String transcript = sort.traffic().transcript();
      assertTrue(transcript.contains("stdin and stdout of `sort`, pid " + sort.pid()), transcript);
      assertTrue(transcript.contains("the process exited (exit code 0)"), transcript);
      assertTrue(transcript.contains("stderr of `sort`"), transcript);
      assertFalse(transcript.contains("unnamed socket"), "pipes have no address: " + transcript);
    }
  }

  @Test
  void trUppercasesItsStdin() {
    ExternalTools.require("tr");
    try (ProcessPipes tr = ProcessPipes.create("tr", "a-z", "A-Z").start()) {
      tr.send("hello, ").sendLine("world").sendEof();
      tr.awaitReceivedLine("HELLO, WORLD");
      assertEquals(0, tr.awaitExit());
      assertThat(tr).receivedExactly("HELLO, WORLD\n");
    }
  }

  @Test
  void stderrAndTheExitCodeAreOnRecordAndANonZeroExitIsNoProblem() {
    ExternalTools.require("sh");
    try (ProcessPipes failing = ProcessPipes.create("sh", "-c", "echo out; echo err >&2; exit 3").start()) {
      failing.awaitStderrLine("err");
      assertEquals(3, failing.awaitExit());
      assertThat(failing.stderr()).receivedExactly("err\n");
      assertThat(failing).receivedExactly("out\n");
      assertEquals(OptionalInt.of(3), failing.exitCode());
      List<ConnectionEvent> exits = events(failing, Kind.PROCESS_EXITED);
      assertEquals(1, exits.size(), failing.connection().events().toString());
      assertEquals("exit code 3", exits.get(0).detail());
      assertEquals(Side.PEER, exits.get(0).side());
      failing.stop(); // verifies: an exit code is the test's to judge
      assertTrue(failing.traffic().transcript().contains("err"), failing.traffic().transcript());
    }
  }

  @Test
  void aProcessThatIgnoresStdinAndNeverExitsIsKilledAndReapedAtTheStop() {
    ExternalTools.require("sleep");
    ProcessPipes sleeper = ProcessPipes.create("sleep", "1000").withName("pipes-sleeper").start();
    ProcessHandle handle = sleeper.processHandle();
    assertTrue(handle.isAlive());
    assertEquals(OptionalInt.empty(), sleeper.exitCode());
    assertTimeoutPreemptively(STOP_BOUND, sleeper::close);
    assertFalse(handle.isAlive(), "pid " + handle.pid() + " still runs");
    assertTrue(sleeper.exitCode().isPresent());
    String exit = events(sleeper, Kind.PROCESS_EXITED).get(0).detail();
    assertTrue(exit.endsWith("after the fake's stop sent it SIGTERM"), exit);
    assertEquals(List.of(), threadsOf("pipes-sleeper"));
  }

  @Test
  void aProcessAndItsChildrenThatIgnoreSigtermAreKilled() {
    ExternalTools.require("sh");
    ExternalTools.require("sleep");
    // SIG_IGN is inherited across exec, so the background sleep ignores SIGTERM too; it also
    // holds stdout open, so stdout never ends unless the stop kills it.
    ProcessPipes stubborn =
        ProcessPipes.create("sh", "-c", "trap '' TERM; sleep 1000 & wait; wait").withName("pipes-stubborn")
            .withStopGracePeriod(Duration.ZERO).start();
    ProcessHandle shell = stubborn.processHandle();
    ProcessHandle child = Awaitility.await("the shell to start its sleep").atMost(Duration.ofSeconds(10))
        .until(() -> shell.children().findFirst(), java.util.Optional::isPresent).orElseThrow();
    assertTimeoutPreemptively(STOP_BOUND, stubborn::close);
    assertFalse(shell.isAlive(), "the shell still runs");
    // The child belongs to init once the shell is gone, which reaps it in its own time.
    Awaitility.await("the killed child " + child.pid() + " to be reaped").atMost(Duration.ofSeconds(10))
        .until(() -> !child.isAlive());
    String exit = events(stubborn, Kind.PROCESS_EXITED).get(0).detail();
    assertTrue(exit.endsWith("SIGTERM, then SIGKILL"), exit);
    assertEquals(List.of(), threadsOf("pipes-stubborn"));
  }

  @Test
  void aScriptDrivesCat() {
    ExternalTools.require("cat");
    Script script = Script.create().sendLine("ping").expectLine("ping").sendLine("pong").expectLine("pong").halfClose()
        .expectEof();
    try (ProcessPipes cat = ProcessPipes.create("cat").withScript(script).start()) {
      cat.awaitFinished();
      assertEquals(0, cat.awaitExit());
      assertThat(cat).receivedExactly("ping\npong\n").sentExactly("ping\npong\n");
    }
  }

  @Test
  void aScriptDrivesABashWhileReadLoop() {
    ExternalTools.require("bash");
    Script script = Script.create().sendLine("one").expectLine("got one").sendLine("two").expectLine("got two")
        .halfClose().expectLine("done").expectEof();
    try (ProcessPipes loop = ProcessPipes.create("bash", "-c", "while read -r line; do echo \"got $line\"; done; echo done")
        .withScript(script).start()) {
      loop.awaitFinished();
      assertEquals(0, loop.awaitExit());
      assertThat(loop).receivedLines("got one", "got two", "done");
    }
  }

  @Test
  void anUnfinishedScriptFailsTheStopWithItsStep() {
    ExternalTools.require("cat");
    ProcessPipes cat = ProcessPipes.create("cat").withName("unfinished").withTimeout(Duration.ofMillis(300))
        .withScript(Script.create().sendLine("ping").expectLine("pong")).start();
    AssertionFailedError failure = assertThrows(AssertionFailedError.class, cat::close);
    assertTrue(failure.getMessage().contains("pong"), failure.getMessage());
  }

  @Test
  void aProgramThatExitsWhileTheFakeSendsEndsTheSendWithoutAHang() {
    ExternalTools.require("head");
    byte[] payload = new byte[16 * 1024 * 1024];
    try (ProcessPipes head = ProcessPipes.create("head", "-c", "10").start()) {
      UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> head.send(Bytes.of(payload)));
      assertTrue(failure.getMessage().contains("could not send"), failure.getMessage());
      assertEquals(0, head.awaitExit());
      assertEquals(10, head.received().size());
      long sent = head.sent().size();
      assertTrue(sent >= 10 && sent < payload.length, sent + " bytes on record as sent");
      assertEquals(payload.length - sent, head.connection().undeliveredBytes());
    }
  }

  @Test
  void aBrokenPipeIsRecordedWithWhatDidNotGo() {
    ExternalTools.require("sh");
    ExternalTools.require("head");
    // The shell keeps stdout open but drops stdin once head took 10 bytes: the next write finds no
    // reader and fails with a broken pipe, whatever the timing.
    try (ProcessPipes dropsStdin =
        ProcessPipes.create("sh", "-c", "head -c 10 >/dev/null; exec sleep 1000 0<&-").withStopGracePeriod(Duration.ZERO)
            .start()) {
      byte[] payload = new byte[1024 * 1024];
      UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> dropsStdin.send(Bytes.of(payload)));
      assertTrue(failure.getMessage().contains("Broken pipe"), failure.getMessage());
      List<ConnectionEvent> undelivered = events(dropsStdin, Kind.UNDELIVERED);
      assertEquals(1, undelivered.size(), dropsStdin.connection().events().toString());
      assertTrue(undelivered.get(0).detail().contains("Broken pipe"), undelivered.get(0).toString());
      assertEquals(payload.length, dropsStdin.sent().size() + undelivered.get(0).bytes());
      // Only stdin ended: the connection is not reset, and stdout is still read to its end.
      List<ConnectionEvent> closed = events(dropsStdin, Kind.PIPE_CLOSED);
      assertEquals(Side.PEER, closed.get(closed.size() - 1).side(), closed.toString());
      assertTrue(closed.get(closed.size() - 1).detail().contains("Broken pipe"), closed.toString());
      assertTrue(dropsStdin.connection().resetBy().isEmpty(), dropsStdin.connection().events().toString());
    }
  }

  @Test
  void sixteenMebibytesRoundTripThroughCatIntact() {
    ExternalTools.require("cat");
    byte[] payload = new byte[16 * 1024 * 1024 + 7];
    new Random(10).nextBytes(payload);
    try (ProcessPipes cat = ProcessPipes.create("cat").withTimeout(Duration.ofSeconds(30)).start()) {
      cat.send(Bytes.of(payload)).sendEof();
      assertEquals(0, cat.awaitExit());
      assertArrayEquals(payload, cat.received().toByteArray());
      assertArrayEquals(payload, cat.sent().toByteArray());
    }
  }

  @Test
  void aStalledWriteIsBoundedAndReported() {
    ExternalTools.require("sleep");
    // sleep never reads its stdin: once the pipe is full, the write can only end by the timeout.
    ProcessPipes sleeper = ProcessPipes.create("sleep", "1000").withName("pipes-stalled").withTimeout(Duration.ofMillis(300))
        .withStopGracePeriod(Duration.ZERO).start();
    UncheckedIOException stall = assertTimeoutPreemptively(STOP_BOUND,
        () -> assertThrows(UncheckedIOException.class, () -> sleeper.send(Bytes.of(new byte[4 * 1024 * 1024]))));
    assertTrue(stall.getMessage().contains("pipes-stalled"), stall.getMessage());
    assertTrue(sleeper.sent().size() < 4 * 1024 * 1024, sleeper.sent().size() + " bytes on record as sent");
    AssertionFailedError reported = assertTimeoutPreemptively(STOP_BOUND, () -> assertThrows(AssertionFailedError.class, sleeper::close));
    assertTrue(reported.getMessage().contains("pipes-stalled"), reported.getMessage());
    assertEquals(List.of(), threadsOf("pipes-stalled"));
  }

  @Test
  void aCommandThatDoesNotExistFailsTheStartClearly() {
    ProcessPipes missing = ProcessPipes.create("sockpuppet-no-such-command", "--flag").withName("pipes-missing");
    UncheckedIOException failure = assertThrows(UncheckedIOException.class, missing::start);
    assertTrue(failure.getMessage().contains("ProcessPipes 'pipes-missing' could not start: cannot run `sockpuppet-no-such-command --flag`"),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("is it installed, and on the PATH?"), failure.getMessage());
    assertFalse(missing.isRunning());
    assertEquals(List.of(), threadsOf("pipes-missing"));
    IllegalStateException notStarted = assertThrows(IllegalStateException.class, missing::pid);
    assertTrue(notStarted.getMessage().contains("call start() first"), notStarted.getMessage());
  }

  @Test
  void aMissingWorkingDirectoryFailsTheStartClearly(@TempDir Path temp) {
    ExternalTools.require("cat");
    Path gone = temp.resolve("gone");
    ProcessPipes cat = ProcessPipes.create("cat").withWorkingDirectory(gone);
    UncheckedIOException failure = assertThrows(UncheckedIOException.class, cat::start);
    assertTrue(failure.getMessage().contains("cannot run `cat`"), failure.getMessage());
  }

  @Test
  void theEnvironmentAndWorkingDirectoryReachTheProgram(@TempDir Path temp) throws Exception {
    ExternalTools.require("sh");
    try (ProcessPipes shell = ProcessPipes.create("sh", "-c", "echo \"$GREETING\"; pwd -P").withEnvironment("GREETING", "hi")
        .withWorkingDirectory(temp).start()) {
      assertEquals(0, shell.awaitExit());
      assertThat(shell).receivedExactly("hi\n" + temp.toRealPath() + "\n");
    }
  }

  @Test
  void aHandlerPlaysTheConversation() {
    ExternalTools.require("cat");
    try (ProcessPipes cat = ProcessPipes.create("cat").withHandler(c -> {
      c.writeLine("hello");
      assertEquals("hello", c.readLine());
    }).start()) {
      cat.awaitFinished();
      assertEquals(0, cat.awaitExit(), "the handler's end closed stdin, so cat ended");
      assertThat(cat).receivedExactly("hello\n");
    }
  }

  @Test
  void awaitExitIsBoundedAndShowsWhatTheProgramWrote() {
    ExternalTools.require("sh");
    try (ProcessPipes shell = ProcessPipes.create("sh", "-c", "echo started; exec sleep 1000").withStopGracePeriod(Duration.ZERO)
        .start()) {
      shell.awaitReceivedLine("started");
      AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> shell.awaitExit(Duration.ofMillis(200)));
      assertTrue(failure.getMessage().contains("to exit"), failure.getMessage());
      assertTrue(failure.getMessage().contains("started"), failure.getMessage());
    }
  }

  @Test
  void sendingBeforeTheStartOrAfterTheStopFailsClearly() {
    ExternalTools.require("cat");
    ProcessPipes cat = ProcessPipes.create("cat").withName("lifecycle");
    assertTrue(assertThrows(IllegalStateException.class, () -> cat.send("x")).getMessage().contains("call start() first"));
    cat.start().stop();
    assertTrue(assertThrows(IllegalStateException.class, () -> cat.send("x")).getMessage().contains("is stopped"));
    assertThrows(IllegalStateException.class, () -> cat.withTimeout(Duration.ofSeconds(1)));
  }

  @Test
  void aRestartRunsAFreshProcessWithAFreshRecording() {
    ExternalTools.require("cat");
    try (ProcessPipes cat = ProcessPipes.create("cat").start()) {
      long first = cat.pid();
      cat.sendLine("one").awaitReceivedLine("one");
      cat.stop();
      cat.start();
      assertTrue(cat.pid() != first);
      cat.sendLine("two").awaitReceivedLine("two");
      assertThat(cat).receivedExactly("two\n");
    }
  }

  @Test
  void badCommandsAreRefused() {
    assertThrows(IllegalArgumentException.class, ProcessPipes::create);
    assertThrows(NullPointerException.class, () -> ProcessPipes.create("cat", null));
    assertThrows(IllegalArgumentException.class, () -> ProcessPipes.create("cat").withEnvironment("A=B", "c"));
    assertThrows(IllegalArgumentException.class, () -> ProcessPipes.create("cat").withStopGracePeriod(Duration.ofSeconds(-1)));
  }

  private static List<ConnectionEvent> events(ProcessPipes process, Kind kind) {
    return process.connection().events().stream().filter(event -> event.kind() == kind).toList();
  }

  /** The live threads of the fake named {@code name}. */
  static List<String> threadsOf(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(thread -> thread.startsWith("sockpuppet-" + name + "-")).sorted().toList();
  }
}
