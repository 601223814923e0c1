package dev.sockpuppet.internal.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The store behind one fake's recording. Chunks are kept in memory until {@code memoryLimit}
 * bytes are held; later chunks go to a spill file, so a long recording neither loses bytes nor
 * grows the heap. Also owns the clock of the recording: a wall-clock start, and a monotonic clock
 * that every timestamp of the recording is an offset on.
 *
 * <p>Thread-safe: connection threads store concurrently.
 *
 * <p>Past the limit a store only copies the chunk into the spill file's ring of buffers, or with
 * {@link #storeKeeping} hands the read buffer itself over; the spill file's writer thread puts it
 * on disk (see {@link SpillFile}). What goes wrong there goes to the
 * recording's problem sink (the fake's reported problems), and later stores fail.
 */
public final class Recorder {
  /** What a chunk costs beyond its bytes (chunk, segment and list entry), counted toward the limit. */
  static final int CHUNK_OVERHEAD = 96;
  /** The first slab of a recording: small, so that a fake that records little costs little. */
  private static final int FIRST_SLAB = 16 * 1024;
  /**
   * Slabs grow to this size. G1 allocates arrays of half a region or more (1 MiB with the usual
   * 2 MiB regions) directly in the old generation, so a long recording is not copied again and
   * again by young collections, which a byte[] per chunk was. Such an array takes whole regions,
   * so it is a little under 4 MiB: with its header it fills two 2 MiB regions (or one of 4 MiB)
   * exactly, where 4 MiB plus a header would take a third region and waste a third of the heap.
   */
  private static final int LARGEST_SLAB = 4 * 1024 * 1024 - 64;

  private final String owner;
  private final long memoryLimit;
  private final BiConsumer<String, Throwable> problems;
  private final long originNanos = System.nanoTime();
  private final Instant startedAt = Instant.now();
  private final AtomicLong inMemory = new AtomicLong();
  private final AtomicLong spilled = new AtomicLong();
  private SpillFile spillFile;
  private boolean sealed;

  /** Chunks are copied into slabs: big shared arrays, handed out in pieces under this lock. */
  private final Object slabLock = new Object();
  private byte[] slab;
  private int slabUsed;
  private int nextSlabSize = FIRST_SLAB;

  /** A recorder whose spill file's failures are only logged: for recordings no fake verifies. */
  public Recorder(String owner, long memoryLimit) {
    this(owner, memoryLimit, null);
  }

  /**
   * A recorder that reports what goes wrong with its spill file to {@code problems}: a description
   * and the cause (which may be null). Null: logged only.
   */
  public Recorder(String owner, long memoryLimit, BiConsumer<String, Throwable> problems) {
    this.owner = owner;
    this.memoryLimit = memoryLimit;
    this.problems = problems;
  }

  /** Time since this recording began. */
  public Duration now() {
    return Duration.ofNanos(nanosNow());
  }

  /** Time since this recording began, in nanoseconds: {@link #now()} without an object, for records that keep it as a number. */
  public long nanosNow() {
    return System.nanoTime() - originNanos;
  }

  /** {@code clock}, a {@link System#nanoTime()} reading, as time since this recording began. */
  public long nanosAt(long clock) {
    return clock - originNanos;
  }

  /** Wall-clock time this recording began. */
  public Instant startedAt() {
    return startedAt;
  }

  /** The configured in-memory limit. */
  public long memoryLimit() {
    return memoryLimit;
  }

  /** Takes all remaining bytes of {@code data} into the recording. */
  public Segment store(ByteBuffer data) throws IOException {
    int length = data.remaining();
    long cost = (long) length + CHUNK_OVERHEAD;
    long held = inMemory.addAndGet(cost);
    if (held <= memoryLimit) {
      byte[] target;
      int offset;
      synchronized (slabLock) {
        if (slab == null || slab.length - slabUsed < length) {
          // Never more than the budget left, so a small limit is not exceeded by one big slab.
          long budgetLeft = memoryLimit - held + length;
          slab = new byte[(int) Math.max(length, Math.min(nextSlabSize, budgetLeft))];
          slabUsed = 0;
          nextSlabSize = (int) Math.min(LARGEST_SLAB, nextSlabSize * 2L);
        }
        target = slab;
        offset = slabUsed;
        slabUsed += length;
      }
      // The copy runs outside the lock: the piece is this caller's alone.
      data.get(target, offset, length);
      return new Segment.InMemory(target, offset, length);
    }
    inMemory.addAndGet(-cost);
    SpillFile file = spillFile();
    long position = file.append(data);
    spilled.addAndGet(length);
    return new Segment.Spilled(file, position, length);
  }

  /**
   * {@link #store}, for a read buffer that is mostly full: past the in-memory limit the recording
   * keeps {@code data} itself (a direct buffer with the bytes from index 0 to its limit) instead of
   * copying it, and the caller reads into {@link Stored#readBuffer()} next, a buffer of the same
   * capacity. Otherwise the bytes are copied as by {@link #store} and {@code data} stays the
   * caller's ({@code readBuffer()} is {@code data}).
   */
  public Stored storeKeeping(ByteBuffer data) throws IOException {
    int length = data.remaining();
    boolean keepable = data.isDirect() && data.position() == 0 && length >= data.capacity() / 2;
    if (!keepable || inMemory.get() + length + CHUNK_OVERHEAD <= memoryLimit) {
      // Fits in memory (store() decides again under its own accounting, and may still spill).
      return new Stored(store(data), data);
    }
    SpillFile file = spillFile();
    long position = file.appendKeeping(data);
    spilled.addAndGet(length);
    return new Stored(new Segment.Spilled(file, position, length), file.spareBuffer(data.capacity()));
  }

  /** What {@link #storeKeeping} stored, and the buffer the caller reads into next. */
  public record Stored(Segment segment, ByteBuffer readBuffer) {
  }

  /** Bytes currently held in memory, including the per-chunk overhead. */
  public long bytesInMemory() {
    return inMemory.get();
  }

  /** Bytes stored in the spill file so far (the last few MiB may still be on their way to the disk). */
  public long bytesSpilled() {
    return spilled.get();
  }

  private synchronized SpillFile spillFile() throws IOException {
    if (sealed) {
      throw new IOException("the recording of " + owner + " is sealed: the fake stopped");
    }
    if (spillFile == null) {
      spillFile = problems == null ? SpillFile.create(owner) : SpillFile.create(owner, problems);
    }
    return spillFile;
  }

  /** The spill file, if the recording ever went past its in-memory limit. */
  public synchronized SpillFile spillFileIfAny() {
    return spillFile;
  }

  /**
   * The fake stopped: nothing more is stored; every spilled byte is written (within a bound; a
   * stalled disk is reported) and the spill file lets its writer thread go, but stays.
   */
  public synchronized void seal() {
    sealed = true;
    if (spillFile != null) {
      spillFile.seal();
    }
  }

  /** The fake closed: the spill file is deleted; in-memory bytes stay readable. */
  public synchronized void release() {
    sealed = true;
    if (spillFile != null) {
      spillFile.delete();
    }
  }
}
