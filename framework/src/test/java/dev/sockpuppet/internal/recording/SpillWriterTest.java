package dev.sockpuppet.internal.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spill file's writer thread: bytes read back before they reach the disk, positions stay
 * consistent under concurrent appends, a full ring holds appends back, failures and stalls are
 * reported, and seal() and delete() leave no thread behind. A gated disk (a seam) holds writes back
 * or fails them on demand.
 */
class SpillWriterTest {
  private static final int MIB = SpillFile.SLOT_BYTES;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();
  private final List<SpillFile> files = new ArrayList<>();
  private final GatedDisk disk = new GatedDisk();

  @AfterEach
  void deleteFiles() {
    disk.open();
    files.forEach(SpillFile::delete);
  }

  private SpillFile file(String owner, Duration stall, Duration flush) throws IOException {
    SpillFile file = SpillFile.create(owner, (description, cause) -> {
      problems.add(description);
      causes.add(cause);
    }, disk::open, stall, flush);
    files.add(file);
    return file;
  }

  private SpillFile file(String owner) throws IOException {
    return file(owner, SpillFile.STALL, SpillFile.FLUSH);
  }

  @Test
  void bytesReadBackRightAfterTheAppendFromAnotherThreadBeforeTheDiskHasThem() throws Exception {
    disk.close(); // nothing reaches the file until the gate opens
    SpillFile file = file("TcpServer 'early'");
    byte[] data = pattern(3 * MIB + 12345, 7);
    List<long[]> pieces = new ArrayList<>();
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + ThreadLocalRandom.current().nextInt(300_000));
      long position = file.append(ByteBuffer.wrap(data, at, n));
      assertEquals(at, position, "positions follow each other");
      pieces.add(new long[] {position, n});
      at += n;
    }
    assertEquals(0, Files.size(file.path()), "the gated disk took nothing yet");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        for (long[] piece : pieces) {
          byte[] back = new byte[(int) piece[1]];
          file.read(piece[0], back, 0, back.length);
          assertArrayEquals(slice(data, (int) piece[0], back.length), back, "piece at " + piece[0]);
        }
        byte[] across = new byte[2 * MIB];
        file.read(MIB / 2, across, 0, across.length); // spans three buffers of the ring
        assertArrayEquals(slice(data, MIB / 2, across.length), across, "a read across buffers");
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "spill-early-reader");
    reader.start();
    reader.join(WAIT.toMillis());
    assertFalse(reader.isAlive(), "the reader finished");
    if (failure.get() != null) {
      throw new AssertionError("reading back from the ring failed", failure.get());
    }

    disk.open();
    file.seal();
    assertEquals(data.length, Files.size(file.path()), "seal() wrote every byte");
    assertArrayEquals(data, Files.readAllBytes(file.path()), "the file holds exactly the bytes appended");
    byte[] back = new byte[data.length];
    file.read(0, back, 0, back.length);
    assertArrayEquals(data, back);
    assertTrue(problems.isEmpty(), problems::toString);
  }

  @Test
  void concurrentAppendsFromSeveralThreadsKeepEveryPositionAndByte() throws Exception {
    SpillFile file = file("TcpServer 'busy'");
    int threads = 4;
    List<List<long[]>> appended = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    AtomicLong total = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      List<long[]> mine = new ArrayList<>();
      appended.add(mine);
      int seed = t;
      workers.add(new Thread(() -> {
        try {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 400; i++) {
            int length = 1 + random.nextInt(64 * 1024);
            int salt = seed * 1000 + i;
            ByteBuffer chunk = ByteBuffer.allocateDirect(length).put(pattern(length, salt)).flip();
            long position = file.append(chunk);
            mine.add(new long[] {position, length, salt});
            total.addAndGet(length);
            if (i % 50 == 0) {
              // A read right after the append, while other threads append.
              byte[] back = new byte[length];
              file.read(position, back, 0, length);
              assertArrayEquals(pattern(length, salt), back, "chunk " + salt + " read back at once");
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "spill-appender-" + t));
    }
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join(WAIT.toMillis());
      assertFalse(worker.isAlive(), worker.getName() + " finished");
    }
    if (failure.get() != null) {
      throw new AssertionError("an appender failed", failure.get());
    }
    file.seal();
    assertEquals(total.get(), Files.size(file.path()), "no gaps, no overlaps");
    byte[] content = Files.readAllBytes(file.path());
    List<long[]> all = new ArrayList<>();
    appended.forEach(all::addAll);
    all.sort((a, b) -> Long.compare(a[0], b[0]));
    long expectedPosition = 0;
    for (long[] chunk : all) {
      assertEquals(expectedPosition, chunk[0], "chunks tile the file");
      assertArrayEquals(pattern((int) chunk[1], (int) chunk[2]), slice(content, (int) chunk[0], (int) chunk[1]),
          "chunk " + chunk[2] + " in the file");
      expectedPosition += chunk[1];
    }
    assertTrue(problems.isEmpty(), problems::toString);
  }

  @Test
  void aFailedWriteIsReportedAndLaterAppendsAndReadsOfTheLostBytesFailWhileWrittenBytesStayReadable()
      throws Exception {
    disk.failAfter(2L * MIB, new IOException("No space left on device"));
    SpillFile file = file("TcpServer 'full disk'");
    byte[] data = pattern(4 * MIB, 3);
    file.append(ByteBuffer.wrap(data));
    Awaitility.await("the writer's failure to be reported").atMost(WAIT).until(() -> !problems.isEmpty());
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("the recording of TcpServer 'full disk' lost bytes " + 2 * MIB + ".."),
        problems.get(0));
    assertTrue(problems.get(0).contains("writing its spill file " + file.path() + " failed"), problems.get(0));
    assertEquals("No space left on device", causes.get(0).getMessage());
    Awaitility.await("the writer thread to end").atMost(WAIT).until(() -> file.writerThread() == null);

    IOException append = assertThrows(IOException.class, () -> file.append(ByteBuffer.wrap(new byte[] {1})));
    assertEquals("the recording of TcpServer 'full disk' cannot write to its spill file " + file.path()
        + " any more: No space left on device", append.getMessage());
    assertSame(causes.get(0), append.getCause());

    byte[] written = new byte[2 * MIB];
    file.read(0, written, 0, written.length);
    assertArrayEquals(slice(data, 0, written.length), written, "bytes written before the failure read back");
    IOException read = assertThrows(IOException.class, () -> file.read(2L * MIB - 10, new byte[20], 0, 20));
    assertEquals("bytes " + 2 * MIB + ".." + (2 * MIB + 10) + " of the recording of TcpServer 'full disk' never reached"
        + " its spill file " + file.path() + ": No space left on device", read.getMessage());

    file.seal(); // returns at once: nothing more can be written
    assertNull(file.writerThread());
    assertEquals(1, problems.size(), "reported once: " + problems);
  }

  @Test
  void aSealThatAWriterFailureWakesReturnsOnlyOnceTheWriterThreadIsGone() throws Exception {
    // A race: the writer reported its failure, which woke seal(), and left its place only after
    // taking the lock again; seal() then returned with the writer still alive, and a fake's stop
    // left a thread behind (caught once in ten runs of SpillTest). Many rounds give it its chance.
    disk.failAfter(0, new IOException("No space left on device"));
    for (int round = 0; round < 200; round++) {
      SpillFile file = file("TcpServer 'race " + round + "'");
      file.append(ByteBuffer.wrap(pattern(MIB, round))); // a full buffer: the writer starts, and fails
      file.seal();
      Thread writer = file.writerThread();
      assertNull(writer, "round " + round + ": the writer after seal()");
      assertEquals(round + 1, problems.size(), "round " + round + ": reported before seal() returned");
      file.delete();
    }
  }

  @Test
  void anErrorOnTheWriterThreadIsReportedToo() throws Exception {
    disk.failAfter(0, new OutOfMemoryError("Direct buffer memory"));
    SpillFile file = file("UnixSocketServer 'oom'");
    file.append(ByteBuffer.wrap(pattern(MIB, 1)));
    Awaitility.await("the writer's error to be reported").atMost(WAIT).until(() -> !problems.isEmpty());
    assertTrue(causes.get(0) instanceof OutOfMemoryError, String.valueOf(causes.get(0)));
    IOException read = assertThrows(IOException.class, () -> file.read(0, new byte[1], 0, 1));
    assertTrue(read.getMessage().endsWith("java.lang.OutOfMemoryError: Direct buffer memory"), read.getMessage());
  }

  @Test
  void aFullRingHoldsAnAppendBackUntilTheDiskTakesABufferAndAnInterruptLosesNothing() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'slow disk'");
    byte[] data = pattern((SpillFile.SLOTS + 2) * MIB, 5);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> interruptKept = new AtomicReference<>();
    Thread appender = new Thread(() -> {
      try {
        file.append(ByteBuffer.wrap(data));
        interruptKept.set(Thread.currentThread().isInterrupted());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "spill-held-back");
    appender.start();
    Awaitility.await("the append to wait for a free buffer").atMost(WAIT)
        .until(() -> appender.getState() == Thread.State.TIMED_WAITING);
    assertEquals(SpillFile.SLOTS, file.buffersMade(), "the ring does not grow");
    appender.interrupt(); // a fake's stop does this to handler threads
    Awaitility.await("the interrupted append to wait again").atMost(WAIT)
        .until(() -> appender.getState() == Thread.State.TIMED_WAITING);
    assertTrue(appender.isAlive(), "still waiting: giving up would lose bytes");
    disk.open();
    appender.join(WAIT.toMillis());
    assertFalse(appender.isAlive(), "the append finished once the disk took bytes");
    if (failure.get() != null) {
      throw new AssertionError("the held-back append failed", failure.get());
    }
    assertEquals(Boolean.TRUE, interruptKept.get(), "the interrupt status is kept for the caller");
    assertEquals(SpillFile.SLOTS, file.buffersMade(), "the ring does not grow");
    file.seal();
    assertArrayEquals(data, Files.readAllBytes(file.path()));
  }

  @Test
  void anAppendGivesUpOnADiskThatTakesNothingForTheStallBoundAndSaysSo() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'stalled'", Duration.ofMillis(300), SpillFile.FLUSH);
    IOException error = assertThrows(IOException.class,
        () -> file.append(ByteBuffer.wrap(new byte[(SpillFile.SLOTS + 1) * MIB])));
    assertTrue(error.getMessage().contains("the disk took no bytes of " + file.path() + " for 300 ms"), error.getMessage());
    assertEquals(1, problems.size(), problems::toString);
    disk.open();
    Awaitility.await("the writer thread to end").atMost(WAIT).until(() -> file.writerThread() == null);
  }

  @Test
  void sealWritesEveryByteAndEndsTheWriterThread() throws Exception {
    SpillFile file = file("TcpServer 'sealed'");
    byte[] data = pattern(2 * MIB + 100, 9);
    file.append(ByteBuffer.wrap(data));
    Thread writer = file.writerThread();
    assertNotNull(writer, "a full buffer started the writer");
    assertTrue(writer.getName().startsWith("sockpuppet-TcpServer__sealed_") && writer.getName().endsWith("-spill"),
        writer.getName());
    assertTrue(writer.isDaemon());
    file.seal();
    assertFalse(writer.isAlive(), "seal() ended the writer thread");
    assertNull(file.writerThread());
    assertEquals(data.length, Files.size(file.path()), "the last, partly filled buffer is in the file too");
    assertArrayEquals(data, Files.readAllBytes(file.path()));
    IOException error = assertThrows(IOException.class, () -> file.append(ByteBuffer.wrap(new byte[1])));
    assertEquals("the recording of TcpServer 'sealed' is sealed: its fake stopped", error.getMessage());
    assertTrue(problems.isEmpty(), problems::toString);
  }

  @Test
  void sealIsBoundedWhenTheDiskStallsAndReportsIt() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'stuck disk'", SpillFile.STALL, Duration.ofMillis(200));
    file.append(ByteBuffer.wrap(pattern(MIB + 1, 2)));
    Thread writer = file.writerThread();
    long started = System.nanoTime();
    file.seal();
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "seal() returned in time");
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(causes.get(0).getMessage().contains("did not take the last bytes of " + file.path() + " within 200 ms"),
        causes.get(0).getMessage());
    IOException read = assertThrows(IOException.class, () -> file.read(0, new byte[1], 0, 1));
    assertTrue(read.getMessage().startsWith("bytes 0..1 of the recording of TcpServer 'stuck disk' never reached"),
        read.getMessage());
    disk.open();
    writer.join(WAIT.toMillis());
    assertFalse(writer.isAlive(), "the writer ends once its write returns");
    assertEquals(1, problems.size(), "reported once: " + problems);
  }

  @Test
  void deleteEndsTheWriterWithoutWaitingForTheRingAndReadsSayWhy() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'closed'");
    file.append(ByteBuffer.wrap(pattern(3 * MIB, 4)));
    Thread writer = file.writerThread();
    Path path = file.path();
    Thread closer = new Thread(file::delete, "spill-closer");
    closer.start();
    Awaitility.await("delete() to wait for the write in progress").atMost(WAIT)
        .until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    disk.open();
    closer.join(WAIT.toMillis());
    assertFalse(closer.isAlive());
    assertFalse(writer.isAlive(), "delete() ended the writer");
    assertEquals(1, disk.writes.get(), "the rest of the ring was dropped, not written");
    assertFalse(Files.exists(path));
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> file.read(0, new byte[1], 0, 1));
    assertTrue(error.getMessage().startsWith("the recording of TcpServer 'closed' beyond its in-memory limit"), error.getMessage());
    assertTrue(problems.isEmpty(), problems::toString);
  }

  @Test
  void noWriterThreadUntilABufferIsFullAndNoSpillFileForARecordingWithinItsLimit() throws Exception {
    Recorder recorder = new Recorder("TcpServer 'small'", 1 << 20);
    recorder.store(ByteBuffer.wrap(new byte[1000]));
    assertNull(recorder.spillFileIfAny(), "within the limit nothing spills");
    recorder.release();

    SpillFile file = file("TcpServer 'little spill'");
    file.append(ByteBuffer.wrap(new byte[MIB - 1]));
    assertNull(file.writerThread(), "a partly filled buffer needs no writer");
    assertEquals(1, file.buffersMade(), "the ring grows only as needed");
    file.seal();
    assertEquals(MIB - 1, Files.size(file.path()));
  }

  @Test
  void keptReadBuffersJoinTheRingInOrderWithCopiedAppendsAndComeBackAsSparesOnceWritten() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'bulk'");
    int capacity = 256 * 1024;
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<ByteBuffer> kept = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      if (i % 3 == 0) {
        byte[] small = pattern(1000 + i, i);
        assertEquals(expected.size(), file.append(ByteBuffer.wrap(small)), "a copied append follows the kept ones");
        expected.write(small);
      }
      ByteBuffer buffer = file.spareBuffer(capacity);
      for (ByteBuffer earlier : kept) {
        assertNotSame(earlier, buffer, "nothing is written yet, so no kept buffer is a spare");
      }
      byte[] bulk = pattern(capacity - i, 100 + i);
      buffer.put(bulk).flip();
      assertEquals(expected.size(), file.appendKeeping(buffer), "a kept buffer starts where the file ends");
      kept.add(buffer);
      expected.write(bulk);
    }
    byte[] all = expected.toByteArray();
    byte[] early = new byte[all.length];
    file.read(0, early, 0, early.length);
    assertArrayEquals(all, early, "read back from the ring before the disk has any of it");

    disk.open();
    ByteBuffer spare = Awaitility.await("a written kept buffer to come back as a spare").atMost(WAIT)
        .until(() -> file.spareBuffer(capacity), buffer -> kept.stream().anyMatch(k -> k == buffer));
    assertEquals(0, spare.position(), "a spare comes cleared");
    assertEquals(capacity, spare.limit(), "a spare comes cleared");
    spare.put(pattern(capacity, 99)); // the reader's next read must not touch what is recorded
    file.seal();
    assertArrayEquals(all, Files.readAllBytes(file.path()), "the file holds every byte in append order");
    byte[] back = new byte[all.length];
    file.read(0, back, 0, back.length);
    assertArrayEquals(all, back);
    assertTrue(problems.isEmpty(), problems::toString);
  }

  @Test
  void keptBuffersWaitingForTheDiskAreBoundedAndTheNextWaitsUntilOneIsWritten() throws Exception {
    disk.close();
    SpillFile file = file("TcpServer 'kept back'");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < SpillFile.KEPT; i++) {
      byte[] bytes = pattern(4096, i);
      file.appendKeeping(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
      expected.write(bytes);
    }
    byte[] last = pattern(4096, 77);
    expected.write(last);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread appender = new Thread(() -> {
      try {
        file.appendKeeping(ByteBuffer.allocateDirect(last.length).put(last).flip());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "spill-kept-back");
    appender.start();
    Awaitility.await("the append to wait for the disk").atMost(WAIT)
        .until(() -> appender.getState() == Thread.State.TIMED_WAITING);
    disk.open();
    appender.join(WAIT.toMillis());
    assertFalse(appender.isAlive(), "the append finished once the disk took a kept buffer");
    if (failure.get() != null) {
      throw new AssertionError("the held-back append failed", failure.get());
    }
    file.seal();
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file.path()));
  }

  @Test
  void onlyADirectBufferReadFromItsStartCanBeKeptAndASealedFileKeepsNone() throws Exception {
    SpillFile file = file("TcpServer 'picky'");
    IllegalArgumentException heap =
        assertThrows(IllegalArgumentException.class, () -> file.appendKeeping(ByteBuffer.allocate(10)));
    assertTrue(heap.getMessage().startsWith("only a direct buffer read from index 0 can be kept"), heap.getMessage());
    ByteBuffer shifted = ByteBuffer.allocateDirect(10).position(1);
    assertThrows(IllegalArgumentException.class, () -> file.appendKeeping(shifted));
    file.seal();
    IOException sealed = assertThrows(IOException.class, () -> file.appendKeeping(ByteBuffer.allocateDirect(10)));
    assertTrue(sealed.getMessage().endsWith("is sealed: its fake stopped"), sealed.getMessage());
    assertEquals(0, Files.size(file.path()));
  }

  @Test
  void aRecorderPastItsLimitKeepsAFullReadBufferAndTheNextReadCannotChangeWhatItRecorded() throws Exception {
    Recorder recorder = new Recorder("TcpServer 'keeper'", 300 * 1024, (description, cause) -> problems.add(description));
    try {
      ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
      byte[] first = pattern(200 * 1024, 1);
      Recorder.Stored inMemory = recorder.storeKeeping(buffer.put(first).flip());
      assertSame(buffer, inMemory.readBuffer(), "within the limit the bytes are copied and the buffer stays");
      assertTrue(inMemory.segment() instanceof Segment.InMemory, inMemory.segment().toString());

      buffer.clear();
      byte[] second = pattern(200 * 1024, 2);
      Recorder.Stored spilled = recorder.storeKeeping(buffer.put(second).flip());
      assertTrue(spilled.segment() instanceof Segment.Spilled, spilled.segment().toString());
      // The buffer to read into next is a new one, or this one again once the writer has put its
      // bytes on disk: either way the caller's next read must not change what was recorded.
      assertEquals(buffer.capacity(), spilled.readBuffer().capacity());
      assertEquals(buffer.capacity(), spilled.readBuffer().remaining(), "it comes cleared");
      spilled.readBuffer().put(pattern(256 * 1024, 3));

      byte[] small = pattern(100 * 1024, 4); // does not fit in what is left of the limit either
      ByteBuffer mostlyEmpty = ByteBuffer.allocateDirect(256 * 1024).put(small).flip();
      Recorder.Stored copied = recorder.storeKeeping(mostlyEmpty);
      assertSame(mostlyEmpty, copied.readBuffer(), "a buffer less than half full is copied, not kept");
      assertTrue(copied.segment() instanceof Segment.Spilled);

      assertArrayEquals(first, bytes(inMemory.segment()));
      assertArrayEquals(second, bytes(spilled.segment()));
      assertArrayEquals(small, bytes(copied.segment()));
      recorder.seal();
      assertArrayEquals(second, bytes(spilled.segment()), "and from the file after the stop");
      assertTrue(problems.isEmpty(), problems::toString);
    } finally {
      recorder.release();
    }
  }

  private static byte[] bytes(Segment segment) {
    byte[] bytes = new byte[segment.length()];
    segment.copyTo(0, bytes, 0, bytes.length);
    return bytes;
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    byte[] slice = new byte[length];
    System.arraycopy(bytes, from, slice, 0, length);
    return slice;
  }

  private static byte[] pattern(int size, int salt) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 8) + salt * 17);
    }
    return bytes;
  }

  /** The real file behind a gate: writes wait while it is closed, and fail once past a byte count if told to. */
  private static final class GatedDisk {
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile long failAfter = Long.MAX_VALUE;
    private volatile Throwable failure;
    final AtomicLong writes = new AtomicLong();

    void close() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    void failAfter(long bytes, Throwable failure) {
      this.failAfter = bytes;
      this.failure = failure;
    }

    SpillFile.Disk open(Path path) throws IOException {
      SpillFile.Disk real = SpillFile.Disk.open(path);
      return new SpillFile.Disk() {
        @Override
        public void write(ByteBuffer data, long position) throws IOException {
          try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
              throw new IOException("the test never opened the gate");
            }
          } catch (InterruptedException e) {
            throw new IOException("interrupted at the gate", e);
          }
          if (position + data.remaining() > failAfter) {
            if (failure instanceof IOException io) {
              throw io;
            }
            throw (Error) failure;
          }
          writes.incrementAndGet();
          real.write(data, position);
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
    }
  }
}
