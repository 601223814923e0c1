package dev.sockpuppet.internal.recording;

import dev.sockpuppet.internal.engine.Threads;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The temporary file (owner-only) a recording writes to once its in-memory limit is reached.
 * Appends come from connection threads, reads from any thread.
 *
 * <p><b>Writing off the reading thread.</b> An append only copies the bytes into a small ring of
 * direct buffers ({@value #SLOTS} of 1 MiB at most, made as needed, off the heap) and assigns their
 * position in the file; a writer thread of the file ({@code sockpuppet-…-spill}) writes full
 * buffers, so a connection's socket reads and the disk's writes overlap instead of taking turns.
 * When the disk is slower than the sockets, appends wait for a free buffer (back-pressure), up to
 * {@link #STALL}; memory never grows. A recording that never spills has no spill file and so no
 * thread; the thread ends when it has been idle for a moment, and at {@link #seal()}.
 *
 * <p><b>Keeping a full read buffer instead of copying it.</b> A connection that reads in bulk
 * hands over its whole read buffer ({@link #appendKeeping}) and takes a spare one ({@link
 * #spareBuffer}) to read into next; the kept buffer joins the ring as it is, and goes back to the
 * spares once written. So bulk bytes are copied once, from the socket, as in a plain receive loop.
 * At most {@value #KEPT} kept buffers wait for the disk, and at most as many spares are kept.
 *
 * <p><b>Reads</b> of bytes the writer has not written yet are copied from the ring, so a segment
 * reads back right after its append returned, from any thread. Bytes already in the file are read
 * through a {@link RandomAccessFile}, whose I/O ignores interrupts (a {@link FileChannel} closes
 * itself when a thread doing I/O on it is interrupted, and tests interrupt threads routinely). The
 * channel the writer uses belongs to the writer thread alone, which nobody interrupts, so the
 * interrupts of connection threads (a fake's stop interrupts its handlers) cannot close it; an
 * append waiting for a buffer keeps waiting when interrupted and returns with the interrupt status
 * set.
 *
 * <p><b>Failures.</b> Whatever the writer thread fails with (a full disk, an I/O error, an {@link
 * Error}) is kept: it goes to the recording's problem sink at once (a fake's reported problems),
 * every later append fails with it as the cause, and reads of the bytes that did not reach the file
 * fail with a message that names them and the cause. Bytes written before the failure stay
 * readable.
 *
 * <p><b>Lifetime.</b> {@link #seal()} (the fake stopped) hands the last buffer to the writer, waits
 * up to {@link #FLUSH} for every byte to be in the file and for the writer thread to end, and lets
 * the ring go; the file stays readable. {@link #delete()} (the fake closed) drops what is not
 * written yet, ends the writer and deletes the file; reads then fail with a message saying why.
 * Both are bounded: a disk that stalls longer is reported, and the writer ends when its write
 * returns. If neither happens (a fake stopped and never closed), the file is deleted once nothing
 * refers to its recording any more: the next spill file to be created looks for such files first
 * (the way {@code WeakHashMap} expunges stale entries, so no thread is needed), and the JVM's exit
 * deletes whatever is left.
 */
public final class SpillFile {
  /** Spill files nobody can reach any more arrive here, for the next {@link #create} to delete. */
  private static final ReferenceQueue<SpillFile> UNREACHABLE = new ReferenceQueue<>();
  /** Keeps the phantom references themselves reachable until their file is gone. */
  private static final Set<Reclaim> PENDING = ConcurrentHashMap.newKeySet();
  /** Buffers in the ring; with {@link #SLOT_BYTES} each, the most a spilling recording holds off the heap. */
  static final int SLOTS = 8;
  /**
   * Bytes per buffer: large writes, few wake-ups of the writer (a connection reads up to 256 KiB
   * at a time), and a ring small next to the in-memory limit.
   */
  static final int SLOT_BYTES = 1 << 20;
  /** Read buffers kept at most at once, waiting for the disk; also the most spares kept for reuse. */
  static final int KEPT = 32;
  /** How long an append waits for the disk to take a buffer before it gives up on the file. */
  static final Duration STALL = Duration.ofSeconds(30);
  /** How long {@link #seal()} and {@link #delete()} wait for the writer. */
  static final Duration FLUSH = Duration.ofSeconds(10);
  /**
   * How long an idle writer waits for the next buffer before it ends: lingering a little saves a
   * thread start per buffer when the disk is faster than the sockets, and a writer that never ended
   * would outlive a recording nobody seals.
   */
  private static final long IDLE_NANOS = Duration.ofMillis(200).toNanos();
  private static final System.Logger LOG = System.getLogger(SpillFile.class.getName());

  private final Spool spool;
  private final Reclaim reclaim;

  private SpillFile(Spool spool) {
    this.spool = spool;
    this.reclaim = new Reclaim(this, spool);
    PENDING.add(reclaim);
  }

  /**
   * A fresh, empty, owner-only temporary file for the recording of {@code owner}; what goes wrong
   * on its writer thread is logged.
   */
  public static SpillFile create(String owner) throws IOException {
    return create(owner, SpillFile::log);
  }

  /**
   * A fresh, empty, owner-only temporary file for the recording of {@code owner}; what goes wrong
   * on its writer thread goes to {@code problems} (a description and the cause, which may be null).
   */
  public static SpillFile create(String owner, BiConsumer<String, Throwable> problems) throws IOException {
    return create(owner, problems, Disk::open, STALL, FLUSH);
  }

  /** The seam for tests: another disk (one that fails or stalls), other bounds. */
  static SpillFile create(
      String owner, BiConsumer<String, Throwable> problems, Disk.Opener disk, Duration stall, Duration flush)
      throws IOException {
    deleteUnreachable();
    Path path = Files.createTempFile("sockpuppet-spill-", ".bin");
    path.toFile().deleteOnExit();
    return new SpillFile(new Spool(owner, new Storage(path), problems, disk, stall, flush));
  }

  public Path path() {
    return spool.storage.path;
  }

  /**
   * Takes everything remaining in {@code data} and returns the position it starts at. The bytes
   * are readable at once; they reach the file soon after.
   *
   * @throws IOException when the file was sealed, when the writer failed earlier (the cause says
   *     how), or when the disk took nothing for {@link #STALL}
   * @throws IllegalStateException when the file was deleted
   */
  public long append(ByteBuffer data) throws IOException {
    return spool.append(data);
  }

  /**
   * {@link #append}, keeping {@code data} itself instead of copying it: a direct buffer whose
   * bytes are from index 0 to its limit, which the caller must neither change nor read into any
   * more (it reads into a {@link #spareBuffer} next). Ends waiting when {@value #KEPT} kept buffers
   * wait for the disk.
   *
   * @throws IllegalArgumentException when {@code data} is not direct or does not start at 0
   * @throws IOException as {@link #append} does
   * @throws IllegalStateException when the file was deleted
   */
  public long appendKeeping(ByteBuffer data) throws IOException {
    if (!data.isDirect() || data.position() != 0) {
      throw new IllegalArgumentException("only a direct buffer read from index 0 can be kept: " + data);
    }
    return spool.appendKeeping(data);
  }

  /** A cleared direct buffer of {@code capacity} bytes to read into: a written kept one, or a new one. */
  public ByteBuffer spareBuffer(int capacity) {
    ByteBuffer spare = spool.takeSpare(capacity);
    return spare != null ? spare.clear() : ByteBuffer.allocateDirect(capacity);
  }

  /** Copies {@code length} bytes at {@code position} into {@code target}; interrupts do not matter. */
  public void read(long position, byte[] target, int offset, int length) throws IOException {
    spool.read(position, target, offset, length);
  }

  /** No more appends: waits (bounded) until every byte is in the file and the writer ended; reads go on. */
  public void seal() {
    spool.seal();
  }

  /** Deletes the file; later reads fail with a message that says why. Idempotent. */
  public void delete() {
    spool.discard(true);
    spool.storage.run();
    reclaim.clear();
    PENDING.remove(reclaim);
  }

  /** The writer thread, while there is one: for tests. */
  Thread writerThread() {
    return spool.writerThread();
  }

  /** How many buffers the ring has made: for tests. */
  int buffersMade() {
    return spool.buffersMade();
  }

  /** Deletes the files of spill files that became unreachable without being deleted. */
  static void deleteUnreachable() {
    for (Reference<? extends SpillFile> gone; (gone = UNREACHABLE.poll()) != null; ) {
      Reclaim reclaim = (Reclaim) gone;
      reclaim.spool.discard(false);
      reclaim.spool.storage.run();
      PENDING.remove(reclaim);
    }
  }

  /** A bound in words: {@code 10 s}, {@code 300 ms}. */
  private static String words(long nanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static void log(String description, Throwable cause) {
    LOG.log(System.Logger.Level.WARNING, description, cause);
  }

  /** Learns when a spill file became unreachable; holds what is needed to delete its file. */
  private static final class Reclaim extends PhantomReference<SpillFile> {
    private final Spool spool;

    Reclaim(SpillFile file, Spool spool) {
      super(file, UNREACHABLE);
      this.spool = spool;
    }
  }

  @Override
  public String toString() {
    return spool.storage.path.toString();
  }

  /** Where the writer thread puts bytes: the file, or in tests a disk that fails or stalls. */
  interface Disk extends Closeable {
    /** Writes all of {@code data} at {@code position}. */
    void write(ByteBuffer data, long position) throws IOException;

    /** Opens the disk for a file. */
    interface Opener {
      Disk open(Path path) throws IOException;
    }

    /** The file itself, through a channel that writes a direct buffer without another copy. */
    static Disk open(Path path) throws IOException {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
      return new Disk() {
        @Override
        public void write(ByteBuffer data, long position) throws IOException {
          long at = position;
          while (data.hasRemaining()) {
            at += channel.write(data, at);
          }
        }

        @Override
        public void close() throws IOException {
          channel.close();
        }
      };
    }
  }

  /** One buffer of the ring: the bytes of the file from {@code start} on, {@code used} of them. */
  private static final class Slot {
    /** Only ever used with absolute gets and puts, so the writer and readers share it safely. */
    final ByteBuffer buffer;
    /** A connection's read buffer, kept instead of copied: used once, then a spare. */
    final boolean kept;
    long start;
    int used;

    Slot() {
      this.buffer = ByteBuffer.allocateDirect(SLOT_BYTES);
      this.kept = false;
    }

    Slot(ByteBuffer kept) {
      this.buffer = kept;
      this.kept = true;
    }
  }

  /**
   * The ring between appends and the writer thread, and the writer itself. Outlives its
   * SpillFile (the phantom reference holds it), so it must not refer to it. Everything is guarded
   * by {@link #lock}, except the bytes of a slot being written, which nobody changes meanwhile;
   * appends also hold {@link #appending} (always taken first).
   */
  private static final class Spool {
    private final String owner;
    private final Storage storage;
    private final BiConsumer<String, Throwable> problems;
    private final Disk.Opener opener;
    private final long stallNanos;
    private final long flushNanos;
    /** Held by an append from start to end, also while it waits for a free slot. */
    private final ReentrantLock appending = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot is handed over or written, and when the writer ends. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    /** Kept read buffers already written, for connections to read into again. */
    private final ArrayDeque<ByteBuffer> spares = new ArrayDeque<>();
    /** Kept read buffers handed over and not written yet. */
    private int keptWaiting;
    /** Slots given to the writer, oldest first: together they hold the bytes [durable, filling.start). */
    private final ArrayDeque<Slot> handedOver = new ArrayDeque<>();
    private Slot filling;
    private int slotsMade;
    /** Bytes appended: the position the next append starts at. */
    private long size;
    /** Bytes in the file: everything before is read from the file, everything after from the ring. */
    private long durable;
    /** Why the file cannot take more; set once, never cleared. */
    private IOException failure;
    private boolean sealed;
    private boolean discarded;
    private Thread writer;
    /** The writer started last: seal() and delete() wait for it to be gone, not just to have left its place. */
    private Thread lastWriter;

    Spool(String owner, Storage storage, BiConsumer<String, Throwable> problems, Disk.Opener opener, Duration stall,
        Duration flush) {
      this.owner = owner;
      this.storage = storage;
      this.problems = problems;
      this.opener = opener;
      this.stallNanos = stall.toNanos();
      this.flushNanos = flush.toNanos();
    }

    long append(ByteBuffer data) throws IOException {
      boolean interrupted = false;
      // Waiting for a free slot lets the state lock go, so appends are serialised by a lock of
      // their own: an append's bytes stay one run in the file.
      appending.lock();
      lock.lock();
      try {
        requireOpen();
        long start = size;
        while (data.hasRemaining()) {
          if (filling == null) {
            interrupted |= awaitRoom(() -> !free.isEmpty() || slotsMade < SLOTS);
            filling = free.isEmpty() ? newSlot() : free.poll();
            filling.start = size;
            filling.used = 0;
          }
          int n = Math.min(SLOT_BYTES - filling.used, data.remaining());
          filling.buffer.put(filling.used, data, data.position(), n);
          data.position(data.position() + n);
          filling.used += n;
          size += n;
          if (filling.used == SLOT_BYTES) {
            handOver(filling);
          }
        }
        return start;
      } finally {
        lock.unlock();
        appending.unlock();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    long appendKeeping(ByteBuffer data) throws IOException {
      boolean interrupted = false;
      appending.lock();
      lock.lock();
      try {
        requireOpen();
        interrupted = awaitRoom(() -> keptWaiting < KEPT);
        // The ring is written in order, so the slot being filled goes first, as far as it got.
        if (filling != null && filling.used > 0) {
          handOver(filling);
        } else if (filling != null) {
          free.addLast(filling);
          filling = null;
        }
        Slot slot = new Slot(data);
        slot.start = size;
        slot.used = data.limit();
        size += slot.used;
        keptWaiting++;
        handOver(slot);
        return slot.start;
      } finally {
        lock.unlock();
        appending.unlock();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    ByteBuffer takeSpare(int capacity) {
      lock.lock();
      try {
        ByteBuffer spare = spares.peekFirst();
        return spare != null && spare.capacity() == capacity ? spares.pollFirst() : null;
      } finally {
        lock.unlock();
      }
    }

    private Slot newSlot() {
      slotsMade++;
      return new Slot();
    }

    /**
     * Waits until the ring has room ({@code hasRoom}, asked with the lock held); returns whether
     * the thread was interrupted meanwhile (the wait goes on: giving up would lose the bytes).
     */
    private boolean awaitRoom(BooleanSupplier hasRoom) throws IOException {
      boolean interrupted = false;
      long deadline = System.nanoTime() + stallNanos;
      while (!hasRoom.getAsBoolean()) {
        // A stop or close while this append waited ends it: what it adds now would not be written.
        requireOpen();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(new IOException("the disk took no bytes of " + storage.path + " for " + words(stallNanos)
              + "; the recording of " + owner + " cannot go on"), true);
          requireNoFailure();
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      requireNoFailure();
      return interrupted;
    }

    private void requireOpen() throws IOException {
      if (discarded) {
        throw Storage.deleted(owner);
      }
      if (sealed) {
        throw new IOException("the recording of " + owner + " is sealed: its fake stopped");
      }
      requireNoFailure();
    }

    private void requireNoFailure() throws IOException {
      if (failure != null) {
        throw new IOException("the recording of " + owner + " cannot write to its spill file " + storage.path
            + " any more: " + failure.getMessage(), failure);
      }
    }

    /** Gives {@code slot} to the writer, starting the writer if there is none. Holds the lock. */
    private void handOver(Slot slot) {
      handedOver.addLast(slot);
      if (slot == filling) {
        filling = null;
      }
      if (writer == null && failure == null && !discarded) {
        writer = Threads.start(Threads.prefix(owner) + "-spill", this::writeHandedOver);
        lastWriter = writer;
      }
      changed.signalAll();
    }

    /**
     * The writer thread: writes handed-over slots in order until there are none for a while (or
     * the file is sealed or discarded), then closes its disk and ends. Whatever it throws is kept
     * and reported; it never ends without saying why.
     */
    private void writeHandedOver() {
      Disk disk = null;
      try {
        for (Slot next; (next = nextToWrite(disk)) != null; ) {
          if (disk == null) {
            disk = opener.open(storage.path);
          }
          disk.write(next.buffer.duplicate().position(0).limit(next.used), next.start);
          written(next);
        }
      } catch (Throwable e) {
        closeQuietly(disk);
        lock.lock();
        try {
          // One step: a seal() that the failure wakes must also find the writer's place empty, or
          // it returns without waiting for this thread, which then outlives the fake's stop.
          fail(e, true);
          if (writer == Thread.currentThread()) {
            writer = null;
          }
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    /**
     * The next slot to write; or, when the writer should end, null, after closing {@code disk} and
     * leaving the writer's place empty in one step with the lock held, so that a slot handed over
     * at that moment starts a new writer instead of waiting for this one.
     */
    private Slot nextToWrite(Disk disk) {
      long idleUntil = System.nanoTime() + IDLE_NANOS;
      lock.lock();
      try {
        // Nobody interrupts this thread on purpose, and the bytes still have to be written: an
        // interrupt is not a reason to stop, so what awaitLocked says of one is ignored.
        awaitLocked(() -> !handedOver.isEmpty() || discarded || failure != null || sealed, idleUntil);
        if (!handedOver.isEmpty() && !discarded && failure == null) {
          return handedOver.peekFirst();
        }
        // Closing a channel nobody else uses takes no I/O, so it may hold the lock.
        closeQuietly(disk);
        writer = null;
        changed.signalAll();
        return null;
      } finally {
        lock.unlock();
      }
    }

    private void written(Slot slot) {
      lock.lock();
      try {
        if (handedOver.peekFirst() != slot) {
          return; // discarded meanwhile: nobody reads these bytes any more
        }
        handedOver.removeFirst();
        durable = slot.start + slot.used;
        if (!slot.kept) {
          slot.used = 0;
          free.addLast(slot);
        } else {
          keptWaiting--;
          if (spares.size() < KEPT) {
            spares.addLast(slot.buffer);
          }
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Keeps the first failure, reports it and wakes every waiter, unless the file was discarded
     * (then nobody needs the bytes). Reports with the lock held, before anyone can see the failure:
     * a seal() that it wakes returns to a stop that verifies the fake's problems at once.
     */
    private void fail(Throwable cause, boolean holdsLock) {
      if (!holdsLock) {
        lock.lock();
      }
      try {
        if (failure != null || discarded) {
          return;
        }
        String description = "the recording of " + owner + " lost bytes " + durable + ".." + size
            + " (and cannot store more): writing its spill file " + storage.path + " failed";
        try {
          problems.accept(description, cause);
        } finally {
          failure = cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
          changed.signalAll();
        }
      } finally {
        if (!holdsLock) {
          lock.unlock();
        }
      }
    }

    void read(long position, byte[] target, int offset, int length) throws IOException {
      long end = position + length;
      long fromFile;
      lock.lock();
      try {
        if (discarded) {
          throw Storage.deleted(owner);
        }
        if (end > size) {
          throw new EOFException("the spill file of " + owner + " holds " + size + " bytes, not " + end);
        }
        if (end > durable) {
          if (failure != null) {
            throw new IOException("bytes " + Math.max(position, durable) + ".." + end + " of the recording of " + owner
                + " never reached its spill file " + storage.path + ": " + failure.getMessage(), failure);
          }
          // The writer has not written these yet: copy them from the ring. Slots are recycled
          // under the lock only, so they stay put while we copy.
          copyFromSlots(handedOver, position, end, target, offset);
          if (filling != null) {
            copyFromSlot(filling, position, end, target, offset);
          }
        }
        fromFile = Math.min(end, durable) - position;
      } finally {
        lock.unlock();
      }
      // Bytes before durable never change, so they are read without the lock.
      if (fromFile > 0) {
        storage.read(owner, position, target, offset, (int) fromFile);
      }
    }

    private static void copyFromSlots(Iterable<Slot> slots, long position, long end, byte[] target, int offset) {
      for (Slot slot : slots) {
        copyFromSlot(slot, position, end, target, offset);
      }
    }

    private static void copyFromSlot(Slot slot, long position, long end, byte[] target, int offset) {
      long from = Math.max(position, slot.start);
      long to = Math.min(end, slot.start + slot.used);
      if (from < to) {
        slot.buffer.get((int) (from - slot.start), target, offset + (int) (from - position), (int) (to - from));
      }
    }

    void seal() {
      boolean interrupted = false;
      boolean stalled;
      Thread ended = null;
      long deadline = System.nanoTime() + flushNanos;
      lock.lock();
      try {
        if (!sealed) {
          sealed = true;
          if (filling != null && filling.used > 0) {
            handOver(filling);
          } else if (filling != null) {
            free.addLast(filling);
            filling = null;
          }
          changed.signalAll();
        }
        interrupted = awaitLocked(() -> writer == null || failure != null || discarded, deadline);
        stalled = writer != null && failure == null && !discarded;
        if (writer == null) {
          // Nothing is written any more: the ring's direct memory goes with the next collection.
          free.clear();
          spares.clear();
          ended = lastWriter;
        }
      } finally {
        lock.unlock();
      }
      awaitGoneKeepingInterrupt(ended, deadline, interrupted);
      if (stalled) {
        fail(new IOException("the disk did not take the last bytes of " + storage.path + " within "
            + words(flushNanos) + " of the fake's stop; its writer thread ends when the write returns"),
            false);
      }
    }

    /** Drops what is not written yet and ends the writer; {@code wait}: up to {@link #flushNanos} for it. */
    void discard(boolean wait) {
      boolean interrupted = false;
      Thread ended = null;
      long deadline = System.nanoTime() + flushNanos;
      lock.lock();
      try {
        discarded = true;
        sealed = true;
        handedOver.clear();
        filling = null;
        free.clear();
        spares.clear();
        keptWaiting = 0;
        changed.signalAll();
        if (wait) {
          interrupted = awaitLocked(() -> writer == null, deadline);
          if (writer != null) {
            LOG.log(System.Logger.Level.WARNING, "the writer of " + storage.path + " (" + owner + ") is still in a write "
                + words(flushNanos) + " after the fake closed; it ends when the write returns");
          }
        }
        if (wait && writer == null) {
          ended = lastWriter;
        }
      } finally {
        lock.unlock();
      }
      awaitGoneKeepingInterrupt(ended, deadline, interrupted);
    }

    /**
     * Waits, holding the lock, until {@code done} or {@code deadline}; returns whether the caller
     * was interrupted meanwhile (the wait goes on: a flush must not be cut short by an interrupt).
     */
    private boolean awaitLocked(BooleanSupplier done, long deadline) {
      boolean interrupted = false;
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return interrupted;
    }

    /**
     * {@link #awaitGone}, then sets the caller's interrupt status if it was interrupted then or
     * before ({@code interrupted}).
     */
    private static void awaitGoneKeepingInterrupt(Thread thread, long deadline, boolean interrupted) {
      if (awaitGone(thread, deadline) || interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /**
     * Waits until {@code thread}, a writer that left its place, has returned too (it has nothing
     * left to do but that), so that nobody sees a thread of a sealed file; returns whether the
     * caller was interrupted meanwhile.
     */
    private static boolean awaitGone(Thread thread, long deadline) {
      boolean interrupted = false;
      while (thread != null && thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return interrupted;
    }

    int buffersMade() {
      lock.lock();
      try {
        return slotsMade;
      } finally {
        lock.unlock();
      }
    }

    Thread writerThread() {
      lock.lock();
      try {
        return writer;
      } finally {
        lock.unlock();
      }
    }

    private void closeQuietly(Closeable closeable) {
      if (closeable == null) {
        return;
      }
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing " + storage.path, e);
      }
    }
  }

  /** The file and its read descriptor; outlives its SpillFile, so it must not refer to it. */
  private static final class Storage implements Runnable {
    private final Path path;
    /** For reads; its position moves, so reads hold this object's lock. */
    private RandomAccessFile reader;
    private boolean deleted;

    Storage(Path path) {
      this.path = path;
    }

    synchronized void read(String owner, long position, byte[] target, int offset, int length) throws IOException {
      requireNotDeleted(owner);
      if (reader == null) {
        reader = new RandomAccessFile(path.toFile(), "r");
      }
      reader.seek(position);
      reader.readFully(target, offset, length);
    }

    private void requireNotDeleted(String owner) {
      if (deleted) {
        throw deleted(owner);
      }
    }

    static IllegalStateException deleted(String owner) {
      return new IllegalStateException(
          "the recording of " + owner + " beyond its in-memory limit was on disk and was deleted"
              + " when the fake closed; assert before close() (stop() keeps it), or raise the limit with withMemoryLimit(…)");
    }

    /** Deletes the file: from {@link SpillFile#delete()}, or once the SpillFile is unreachable. */
    @Override
    public synchronized void run() {
      deleted = true;
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "closing " + path, e);
        }
        reader = null;
      }
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not delete " + path, e);
      }
    }
  }
}
