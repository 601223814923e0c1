package dev.sockpuppet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store behind one server's recording. Chunks are kept in memory until {@code memoryLimit}
 * bytes are held; later chunks go to a spill file, so a long recording neither loses bytes nor
 * grows the heap. Also owns the monotonic clock that all timestamps of the server are measured on.
 */
final class Recorder implements AutoCloseable {
  /** What a chunk costs beyond its bytes (chunk, segment and list entry), counted toward the limit. */
  static final int CHUNK_OVERHEAD = 96;

  private final String owner;
  private final long memoryLimit;
  private final long originNanos = System.nanoTime();
  private final AtomicLong inMemory = new AtomicLong();
  private final AtomicLong spilled = new AtomicLong();
  private SpillFile spillFile;
  private boolean closed;

  Recorder(String owner, long memoryLimit) {
    this.owner = owner;
    this.memoryLimit = memoryLimit;
  }

  /** Time since this recording began. */
  Duration now() {
    return Duration.ofNanos(System.nanoTime() - originNanos);
  }

  /** Takes all remaining bytes of {@code data} into the recording. */
  Segment store(ByteBuffer data) throws IOException {
    int length = data.remaining();
    long cost = (long) length + CHUNK_OVERHEAD;
    if (inMemory.addAndGet(cost) <= memoryLimit) {
      byte[] copy = new byte[length];
      data.get(copy);
      return new Segment.InMemory(copy, 0, length);
    }
    inMemory.addAndGet(-cost);
    SpillFile file = spillFile();
    long position = file.append(data);
    spilled.addAndGet(length);
    return new Segment.Spilled(file, position, length);
  }

  /** Bytes currently held in memory, including the per-chunk overhead. */
  long bytesInMemory() {
    return inMemory.get();
  }

  /** Bytes written to the spill file so far. */
  long bytesSpilled() {
    return spilled.get();
  }

  private synchronized SpillFile spillFile() throws IOException {
    if (closed) {
      throw new IOException("the recording of " + owner + " is closed");
    }
    if (spillFile == null) {
      spillFile = SpillFile.create(owner);
    }
    return spillFile;
  }

  /** The spill file, if the recording ever went past its in-memory limit. */
  synchronized SpillFile spillFileIfAny() {
    return spillFile;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    if (spillFile != null) {
      spillFile.close();
    }
  }
}
