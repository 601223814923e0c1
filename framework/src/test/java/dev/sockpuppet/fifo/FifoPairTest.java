package dev.sockpuppet.fifo;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.behaviour.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.opentest4j.AssertionFailedError;

/**
 * FIFO pairs with real programs on the other end ({@code cat}, {@code head}, {@code tr}, bash
 * loops), and with programs that misbehave: never open, open late, close and re-open, never read.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "named pipes are made with mkfifo(1)")
class FifoPairTest {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private final List<Process> programs = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  @BeforeEach
  void needsMkfifo() {
    ExternalTools.require("mkfifo");
    ExternalTools.require("bash");
  }

  @AfterEach
  void killProgramsAndCheckNoThreadIsLeft() throws InterruptedException {
    for (Process program : programs) {
      program.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // Every pair of the test is closed by now, and a stop joins its threads.
    for (String name : names) {
      assertEquals(List.of(), sockpuppetThreadsOf(name));
    }
  }

  @Test
  void catCopiesWhatItReadsToWhatItWrites() throws Exception {
    try (FifoPair pair = fresh().start()) {
      Process cat = program(pair, "cat < \"$IN\" > \"$OUT\"");
      pair.sendLine("hello").sendLine("world");
      pair.awaitReceived("hello\nworld\n");
      pair.sendEof();
      pair.awaitProgramClosed();
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat did not end at end-of-file");
      assertEquals(0, cat.exitValue());
      assertThat(pair).receivedExactly("hello\nworld\n").sentExactly("hello\nworld\n");
      List<Kind> kinds = pair.connection().events().stream().map(ConnectionEvent::kind).toList();
      assertEquals(2, kinds.stream().filter(kind -> kind == Kind.PIPE_OPENED).count(), kinds.toString());
      assertTrue(kinds.contains(Kind.PIPE_CLOSED), kinds.toString());
      assertTrue(kinds.contains(Kind.HALF_CLOSED), "the fake's end-of-file is on record: " + kinds);
    }
  }

  @Test
  void headTakesTheFirstLineAndLeaves() throws Exception {
    try (FifoPair pair = fresh().start()) {
      Process head = program(pair, "head -n 1 < \"$IN\" > \"$OUT\"");
      pair.sendLine("first");
      pair.awaitReceived("first\n").awaitProgramClosed();
      assertTrue(head.waitFor(10, TimeUnit.SECONDS));
      assertThat(pair).receivedLines("first");
    }
  }

  @Test
  void trTranslatesUntilEndOfFile() throws Exception {
    try (FifoPair pair = fresh().start()) {
      program(pair, "tr a-z A-Z < \"$IN\" > \"$OUT\"");
      pair.send("shout\nthis\n").sendEof();
      pair.awaitProgramClosed();
      assertThat(pair).receivedExactly("SHOUT\nTHIS\n");
    }
  }

  @Test
  void aLoopThatOpensBothPipesAnewForEveryLineLosesNothing() throws Exception {
    // bash opens and closes both pipes on every round; two lines sent at once must both arrive,
    // the second staying in the pipe while nobody has it open, and every answer must be read
    // however quickly bash opens, writes and closes.
    try (FifoPair pair = fresh().start()) {
      Process loop = program(
          pair, "while read -r line < \"$IN\"; do [ \"$line\" = quit ] && exit 0; echo \"got $line\" > \"$OUT\"; done");
      pair.send("a\nb\n");
      pair.awaitReceived("got a\ngot b\n").awaitProgramClosed();
      for (int round = 0; round < 50; round++) {
        pair.sendLine("r" + round).awaitReceivedLine("got r" + round);
      }
      pair.sendLine("quit");
      assertTrue(loop.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, loop.exitValue());
      StringBuilder expected = new StringBuilder("got a\ngot b\n");
      for (int round = 0; round < 50; round++) {
        expected.append("got r").append(round).append('\n');
      }
      assertThat(pair).receivedExactly(expected.toString());
      List<ConnectionEvent> events = pair.connection().events();
      assertTrue(events.stream().filter(e -> e.kind() == Kind.PIPE_OPENED).count() >= 3, events.toString());
    }
  }

  @Test
  void aScriptDrivesALongRunningLoop() throws Exception {
    FifoPair pair = fresh()
        .withScript(Script.create().sendLine("ping").expectLine("got ping").sendLine("quit"))
        .start();
    Process loop;
    try (pair) {
      loop = program(pair, "exec < \"$IN\" > \"$OUT\"; while read -r line; do [ \"$line\" = quit ] && exit 0; echo \"got $line\"; done");
      pair.awaitFinished();
    }
    assertThat(pair).sentExactly("ping\nquit\n").receivedExactly("got ping\n");
    // "quit" was still in the pipe when the script ended and the pair closed; the program reads it.
    assertTrue(loop.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, loop.exitValue());
  }

  @Test
  void anUnfinishedScriptFailsTheVerify() throws Exception {
    FifoPair pair = fresh()
        .withTimeout(Duration.ofMillis(300))
        .withScript(Script.create().sendLine("ping").expectLine("pong"))
        .start();
    program(pair, "cat < \"$IN\" > \"$OUT\"");
    AssertionFailedError failure = assertThrows(AssertionFailedError.class, pair::close);
    assertTrue(failure.getMessage().contains("pong"), failure.getMessage());
  }

  @Test
  void aProgramThatOpensLateStillGetsWhatWasSent() throws Exception {
    try (FifoPair pair = fresh().start()) {
      CompletableFuture<Void> send = CompletableFuture.runAsync(() -> pair.sendLine("early"));
      // The send waits for the program to open its end; it is not on record until then.
      Awaitility.await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !send.isDone());
      assertTrue(pair.connection().events().stream().noneMatch(e -> e.kind() == Kind.PIPE_OPENED), "nobody opened yet");
      program(pair, "cat < \"$IN\" > \"$OUT\"");
      send.get(10, TimeUnit.SECONDS);
      pair.awaitReceivedLine("early");
    }
  }

  @Test
  void aSendToAProgramThatNeverOpensFailsBoundedAndNothingIsOnRecord() {
    try (FifoPair pair = fresh().withTimeout(Duration.ofMillis(200)).start()) {
      long start = System.nanoTime();
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> pair.send("x"));
      assertTrue(e.getMessage().contains("did not open " + pair.toProgram()), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
      assertEquals(Bytes.empty(), pair.sent());
      assertEquals(1, pair.connection().undeliveredBytes());
    }
  }

  @Test
  void aStopWhileEverythingWaitsForTheProgramIsBoundedAndRemovesThePipes() throws Exception {
    FifoPair pair = fresh().withTimeout(Duration.ofSeconds(30)).start();
    Path directory = pair.directory();
    CompletableFuture<Void> send = CompletableFuture.runAsync(() -> pair.sendLine("never read"));
    Awaitility.await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5)).until(() -> !send.isDone());
    long start = System.nanoTime();
    pair.close();
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the stop took too long");
    assertThrows(Exception.class, () -> send.get(10, TimeUnit.SECONDS), "the waiting send ends with the stop");
    assertFalse(Files.exists(directory), directory + " is still there");
    assertEquals(List.of(), sockpuppetThreadsOf(pair.name()));
  }

  @Test
  void aProgramThatNeverReadsStallsTheSendWhichIsReported() throws Exception {
    FifoPair pair = fresh().withTimeout(Duration.ofMillis(300)).start();
    // Opens the pipe it should read, reads nothing.
    program(pair, "exec 3< \"$IN\"; exec sleep 1000");
    Bytes big = Bytes.of(new byte[1 << 20]);
    assertThrows(UncheckedIOException.class, () -> pair.send(big));
    long sent = pair.sent().size();
    assertTrue(sent < big.size(), "the recording says " + sent + " bytes left");
    AssertionFailedError failure = assertThrows(AssertionFailedError.class, pair::close);
    assertTrue(failure.getMessage().contains("stalled"), failure.getMessage());
  }

  @Test
  void sixtyFourMebibytesArriveIntact() throws Exception {
    byte[] data = new byte[64 << 20];
    new Random(10).nextBytes(data);
    Bytes expected = Bytes.of(data);
    try (FifoPair pair = fresh().withTimeout(Duration.ofSeconds(60)).start()) {
      program(pair, "cat < \"$IN\" > \"$OUT\"");
      pair.send(expected).sendEof();
      pair.awaitProgramClosed();
      assertEquals(expected.size(), pair.received().size());
      assertEquals(expected, pair.received());
      assertEquals(expected, pair.sent());
    }
  }

  @Test
  void pipesAreOwnerOnlyAndGoneAfterTheStop() throws Exception {
    FifoPair pair = fresh().start();
    Path directory = pair.directory();
    assertTrue(dev.sockpuppet.internal.engine.NamedPipes.isFifo(pair.toProgram()));
    assertTrue(dev.sockpuppet.internal.engine.NamedPipes.isFifo(pair.fromProgram()));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pair.toProgram())));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    pair.close();
    assertFalse(Files.exists(directory), directory + " still exists");
  }

  @Test
  void aRestartMakesFreshPipesWithAFreshRecording() throws Exception {
    try (FifoPair pair = fresh().start()) {
      program(pair, "cat < \"$IN\" > \"$OUT\"");
      pair.sendLine("one").awaitReceivedLine("one");
      Path first = pair.directory();
      pair.stop();
      pair.start();
      assertFalse(Files.exists(first));
      program(pair, "cat < \"$IN\" > \"$OUT\"");
      pair.sendLine("two").awaitReceivedLine("two");
      assertThat(pair).receivedExactly("two\n");
    }
  }

  @Test
  void sendingBeforeStartOrAfterStopSaysWhatToDo() {
    FifoPair pair = fresh();
    IllegalStateException before = assertThrows(IllegalStateException.class, () -> pair.sendLine("x"));
    assertTrue(before.getMessage().contains("start()"), before.getMessage());
    pair.start().close();
    IllegalStateException after = assertThrows(IllegalStateException.class, () -> pair.sendLine("x"));
    assertTrue(after.getMessage().contains("stopped"), after.getMessage());
  }

  /** A pair with a name of its own, whose threads the test can tell from other tests' running alongside. */
  private FifoPair fresh() {
    String name = "fifo" + SEQUENCE.incrementAndGet();
    names.add(name);
    return FifoPair.create().withName(name);
  }

  private Process program(FifoPair pair, String script) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script);
    builder.environment().put("IN", pair.toProgram().toString());
    builder.environment().put("OUT", pair.fromProgram().toString());
    Process process = builder.redirectErrorStream(true).start();
    programs.add(process);
    return process;
  }

  static List<String> sockpuppetThreadsOf(String fake) {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("sockpuppet-" + fake + "-"))
        .toList();
  }
}
