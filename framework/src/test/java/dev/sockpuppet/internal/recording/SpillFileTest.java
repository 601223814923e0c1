package dev.sockpuppet.internal.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A spill file survives interrupts, stays readable after seal() and is gone after delete(). */
class SpillFileTest {
  private static final int SIZE = 1 << 20;

  /**
   * Readers (test threads, in real life) are interrupted without pause; the appender (a connection
   * thread, which a fake's stop interrupts once) now and then.
   */
  @Test
  void readsAndAppendsSucceedWhileTheirThreadsAreInterruptedOverAndOver() throws Exception {
    SpillFile file = SpillFile.create("interrupts");
    byte[] data = pattern(SIZE);
    file.append(ByteBuffer.wrap(data));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      workers.add(new Thread(() -> {
        try {
          byte[] target = new byte[4096];
          for (int i = 0; i < 3000; i++) {
            int at = ThreadLocalRandom.current().nextInt(SIZE - target.length);
            file.read(at, target, 0, target.length);
            for (int j = 0; j < target.length; j++) {
              if (target[j] != data[at + j]) {
                throw new AssertionError("byte " + (at + j) + " read back wrong");
              }
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "spill-reader-" + w));
    }
    Thread appender = new Thread(() -> {
      try {
        for (int i = 0; i < 300; i++) {
          file.append(ByteBuffer.wrap(new byte[] {(byte) i}));
          LockSupport.parkNanos(100_000); // spread the appends over the run
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }, "spill-appender");
    List<Thread> readers = List.copyOf(workers);
    workers.add(appender);
    workers.forEach(Thread::start);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int round = 0; workers.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline; round++) {
      readers.forEach(Thread::interrupt);
      if (round % 50 == 0) {
        appender.interrupt(); // an interrupt during a write closes the append channel
      }
      LockSupport.parkNanos(20_000);
    }
    for (Thread worker : workers) {
      worker.join(10_000);
      assertFalse(worker.isAlive(), worker.getName() + " finished");
    }
    if (failure.get() != null) {
      throw new AssertionError("a worker failed under interrupts", failure.get());
    }
    byte[] tail = new byte[300];
    file.read(SIZE, tail, 0, tail.length);
    for (int i = 0; i < tail.length; i++) {
      assertEquals((byte) i, tail[i], "appended byte " + i);
    }
    file.delete();
  }

  @Test
  void largeAppendsInterruptedMidWriteLoseAndOverwriteNothing() throws Exception {
    SpillFile file = SpillFile.create("big appends");
    int blocks = 48;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread appender = new Thread(() -> {
      try {
        for (int b = 0; b < blocks; b++) {
          ByteBuffer block = ByteBuffer.allocateDirect(SIZE);
          block.put(block(b)).flip();
          assertEquals((long) b * SIZE, file.append(block), "block " + b + " starts where the previous ended");
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "spill-big-appender");
    appender.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (appender.isAlive() && System.nanoTime() < deadline) {
      appender.interrupt(); // lands in the middle of a 1 MiB write again and again
      LockSupport.parkNanos(50_000);
    }
    appender.join(10_000);
    assertFalse(appender.isAlive(), "the appender finished");
    if (failure.get() != null) {
      throw new AssertionError("an append failed under interrupts", failure.get());
    }
    file.seal(); // the writer thread has every byte in the file once seal() returns
    assertEquals((long) blocks * SIZE, Files.size(file.path()));
    byte[] back = new byte[SIZE];
    for (int b = 0; b < blocks; b++) {
      file.read((long) b * SIZE, back, 0, SIZE);
      assertArrayEquals(block(b), back, "block " + b);
    }
    file.delete();
  }

  private static byte[] block(int b) {
    byte[] bytes = pattern(SIZE);
    for (int i = 0; i < bytes.length; i += 4096) {
      bytes[i] = (byte) b;
    }
    return bytes;
  }

  @Test
  void aSealedFileStaysReadableAndADeletedOneSaysWhy() throws IOException {
    SpillFile file = SpillFile.create("TcpServer 'x'");
    file.append(ByteBuffer.wrap("kept".getBytes()));
    file.seal();
    byte[] back = new byte[4];
    file.read(0, back, 0, 4);
    assertArrayEquals("kept".getBytes(), back);
    Path path = file.path();
    file.delete();
    assertFalse(Files.exists(path));
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> file.read(0, back, 0, 4));
    assertTrue(error.getMessage().startsWith("the recording of TcpServer 'x' beyond its in-memory limit was on disk"),
        error.getMessage());
    file.delete(); // idempotent
  }

  @Test
  void aFileNobodyCanReachAnyMoreIsDeleted() throws IOException {
    Path path = unreachableSpillFile();
    assertTrue(Files.exists(path));
    // Once collected, the next spill file to be made deletes it.
    Awaitility.await("an unreachable spill file to be deleted: " + path)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          System.gc();
          SpillFile.create("next").delete();
          return !Files.exists(path);
        });
  }

  private static Path unreachableSpillFile() throws IOException {
    SpillFile file = SpillFile.create("forgotten");
    file.append(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    return file.path();
  }

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 8));
    }
    return bytes;
  }
}
