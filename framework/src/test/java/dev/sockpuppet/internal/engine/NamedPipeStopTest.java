package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sockpuppet.ExternalTools;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop must end the thread that opens a named pipe even when that thread reaches its open only
 * after the stop gave up waiting for it, as a starved thread on a busy machine does (seen once in
 * CI: a FIFO pair's opener stayed blocked in open(2) for good). The gate holds the thread back
 * until the stop has returned; without the stop's hold on the pipe, the late open waits for a
 * program that never comes.
 */
class NamedPipeStopTest {
  @TempDir Path directory;

  private Path fifo(String name) throws IOException, InterruptedException {
    ExternalTools.require("mkfifo");
    Path path = directory.resolve(name);
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor(10, TimeUnit.SECONDS) ? mkfifo.exitValue() : -1, "mkfifo " + path);
    return path;
  }

  @Test
  void aWriteEndOpenedAfterTheStopGaveUpStillEnds() throws Exception {
    Path path = fifo("to-program");
    CountDownLatch gate = new CountDownLatch(1);
    PipeOutput.Sink real = NamedPipes.writeEnd(path, "the test's pipe", false);
    PipeOutput output = new PipeOutput("sockpuppet-late-write-open", new PipeOutput.Sink() {
      @Override
      public PipeOutput.Opened open() throws IOException {
        awaitGate(gate);
        return real.open();
      }

      @Override
      public Closeable holdOpen() {
        return real.holdOpen();
      }

      @Override
      public String describe() {
        return real.describe();
      }
    }, () -> {});

    assertFalse(output.close(), "the thread waits at the gate, so the stop cannot see it end");
    gate.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !output.thread().isAlive());
  }

  @Test
  void aReadEndOpenedAfterTheStopGaveUpStillEnds() throws Exception {
    Path path = fifo("from-program");
    CountDownLatch gate = new CountDownLatch(1);
    PipeInput.Source real = NamedPipes.readEnd(path, "the test's pipe", true);
    PipeInput input = new PipeInput("sockpuppet-late-read-open", new PipeInput.Source() {
      @Override
      public ReadableByteChannel open() throws IOException {
        awaitGate(gate);
        return real.open();
      }

      @Override
      public Closeable holdOpen() {
        return real.holdOpen();
      }

      @Override
      public boolean reopens() {
        return real.reopens();
      }

      @Override
      public String describe() {
        return real.describe();
      }
    }, new PipeInput.Listener() {
      @Override
      public void opened() {}

      @Override
      public void closed() {}
    });

    assertFalse(input.close(), "the thread waits at the gate, so the stop cannot see it end");
    gate.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !input.thread().isAlive());
  }

  /** Waits for the gate, bounded, and ignores the stop's interrupt: a starved thread would not see one either. */
  private static void awaitGate(CountDownLatch gate) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (gate.getCount() > 0 && System.nanoTime() - deadline < 0) {
      try {
        gate.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // the stop interrupts the thread (PipeInput); keep waiting for the gate, and keep the flag clear
      }
    }
    if (gate.getCount() > 0) {
      throw new IOException("the test never opened the gate");
    }
  }
}
