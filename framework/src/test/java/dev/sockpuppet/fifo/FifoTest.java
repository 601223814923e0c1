package dev.sockpuppet.fifo;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ExternalTools;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Single FIFOs, one way each, with shell programs on the other end. */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "named pipes are made with mkfifo(1)")
class FifoTest {
  @TempDir Path scratch;

  @BeforeEach
  void needsMkfifo() {
    ExternalTools.require("mkfifo");
    ExternalTools.require("bash");
  }

  @Test
  void aProgramThatWritesSeveralTimesIsRecordedWhole() throws Exception {
    try (Fifo events = Fifo.programWrites().withName("events").start()) {
      Process writer = bash(events.path(), "echo started > \"$P\"; echo working > \"$P\"; echo done > \"$P\"");
      events.awaitReceivedLine("done");
      assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
      assertThat(events).receivedLines("started", "working", "done").sentNothing();
    }
  }

  @Test
  void aPipeTheProgramWritesCannotBeSentOn() {
    try (Fifo events = Fifo.programWrites().start()) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> events.sendLine("x"));
      assertTrue(e.getMessage().contains("only reads what the program writes"), e.getMessage());
    }
  }

  @Test
  void aProgramThatReadsGetsWhatIsSent() throws Exception {
    Path copy = scratch.resolve("copy");
    try (Fifo commands = Fifo.programReads().start()) {
      Process reader = bash(commands.path(), "head -n 2 < \"$P\" > \"" + copy + "\"");
      commands.sendLine("one").sendLine("two").sendEof();
      commands.awaitProgramOpened();
      assertTrue(reader.waitFor(10, TimeUnit.SECONDS));
      assertEquals("one\ntwo\n", Files.readString(copy));
      assertThat(commands).sentExactly("one\ntwo\n").receivedNothing();
    }
  }

  @Test
  void aPipeNobodyOpensEndsBoundedAndIsRemoved() {
    Fifo commands = Fifo.programReads().withTimeout(Duration.ofMillis(100)).start();
    Path path = commands.path();
    assertThrows(UncheckedIOException.class, () -> commands.sendLine("nobody listens"));
    commands.close();
    assertFalse(Files.exists(path));
    assertFalse(Files.exists(path.getParent()));
  }

  private static Process bash(Path pipe, String script) throws java.io.IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script);
    builder.environment().put("P", pipe.toString());
    return builder.redirectErrorStream(true).start();
  }
}
