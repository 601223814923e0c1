package dev.sockpuppet.fifo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "named pipes are made with mkfifo(1)")
class FifoPairTest {
  @Test
  void catCopiesWhatItReadsToWhatItWrites() throws Exception {
    ExternalTools.require("mkfifo");
    try (FifoPair pair = FifoPair.create().withName("cat").start()) {
      Process cat = shell(pair, "cat < \"$IN\" > \"$OUT\"");
      try {
        pair.sendLine("hello").sendLine("world");
        pair.awaitReceived("hello\nworld\n");
        pair.sendEof();
        pair.awaitProgramClosed();
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
        assertEquals(Bytes.of("hello\nworld\n"), pair.received());
        assertEquals(Bytes.of("hello\nworld\n"), pair.sent());
        List<ConnectionEvent.Kind> kinds =
            pair.connection().events().stream().map(ConnectionEvent::kind).toList();
        assertTrue(kinds.contains(ConnectionEvent.Kind.PIPE_OPENED), kinds.toString());
        assertTrue(kinds.contains(ConnectionEvent.Kind.PIPE_CLOSED), kinds.toString());
      } finally {
        cat.destroyForcibly();
      }
    }
  }

  @Test
  void pipesAndTheirDirectoryAreGoneAfterTheStop() throws Exception {
    ExternalTools.require("mkfifo");
    FifoPair pair = FifoPair.create().start();
    Path directory = pair.directory();
    assertTrue(Files.exists(pair.toProgram()));
    pair.close();
    assertFalse(Files.exists(directory), directory + " still exists");
  }

  @Test
  void aSendToAProgramThatNeverOpensFailsBounded() {
    ExternalTools.require("mkfifo");
    try (FifoPair pair = FifoPair.create().withTimeout(Duration.ofMillis(200)).start()) {
      long start = System.nanoTime();
      var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> pair.send("x"));
      assertTrue(e.getMessage().contains("did not open"), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
      assertEquals(Bytes.empty(), pair.sent());
    }
  }

  static Process shell(FifoPair pair, String script) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script);
    builder.environment().put("IN", pair.toProgram().toString());
    builder.environment().put("OUT", pair.fromProgram().toString());
    return builder.redirectErrorStream(true).start();
  }
}
