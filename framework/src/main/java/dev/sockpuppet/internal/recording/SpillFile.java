package dev.sockpuppet.internal.recording;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary file (owner-only) a recording writes to once its in-memory limit is reached.
 * Appends come from connection threads, reads from any thread.
 *
 * <p><b>Interrupts.</b> A {@link FileChannel} closes itself when a thread doing I/O on it is
 * interrupted, and every later use then fails; tests interrupt threads routinely ({@code
 * assertTimeoutPreemptively}, {@code @Timeout}), and a fake's stop interrupts its handler threads.
 * So reads, which come from test threads, go through a {@link RandomAccessFile}, whose I/O ignores
 * interrupts (and reads straight into the caller's array). Appends keep the channel, which writes a
 * direct buffer without another copy; they run with the caller's interrupt status cleared and
 * restored, and when an interrupt closed the channel anyway, they reopen the file and carry on where
 * they were.
 *
 * <p><b>Lifetime.</b> {@link #seal()} (the fake stopped) closes the append channel; the file stays
 * readable. {@link #delete()} (the fake closed) closes everything and deletes the file; reads then
 * fail with a message saying why. If neither happens (a fake stopped and never closed), the file
 * is deleted once nothing refers to its recording any more: the next spill file to be created looks
 * for such files first (the way {@code WeakHashMap} expunges stale entries, so no thread is needed),
 * and the JVM's exit deletes whatever is left.
 */
public final class SpillFile {
  /** Spill files nobody can reach any more arrive here, for the next {@link #create} to delete. */
  private static final ReferenceQueue<SpillFile> UNREACHABLE = new ReferenceQueue<>();
  /** Keeps the phantom references themselves reachable until their file is gone. */
  private static final Set<Reclaim> PENDING = ConcurrentHashMap.newKeySet();
  /** How often an append reopens the file after interrupts before it gives up. */
  private static final int ATTEMPTS = 50;

  private final String owner;
  private final Storage storage;
  private final Reclaim reclaim;
  /** Bytes appended so far; appends are serialised on this object. */
  private long size;

  private SpillFile(String owner, Storage storage) {
    this.owner = owner;
    this.storage = storage;
    this.reclaim = new Reclaim(this, storage);
    PENDING.add(reclaim);
  }

  /** A fresh, empty, owner-only temporary file for the recording of {@code owner}. */
  public static SpillFile create(String owner) throws IOException {
    deleteUnreachable();
    Path path = Files.createTempFile("sockpuppet-spill-", ".bin");
    path.toFile().deleteOnExit();
    return new SpillFile(owner, new Storage(path));
  }

  public Path path() {
    return storage.path;
  }

  /** Appends everything remaining in {@code data} and returns the position it starts at. */
  public synchronized long append(ByteBuffer data) throws IOException {
    long start = size;
    int origin = data.position();
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 1; ; attempt++) {
        FileChannel channel = storage.channel(owner);
        try {
          while (data.hasRemaining()) {
            // The buffer is the truth about what is in the file: a write that an interrupt cut
            // short has still moved it past what it wrote, though it threw instead of returning.
            channel.write(data, start + (data.position() - origin));
          }
          return start;
        } catch (ClosedChannelException e) {
          // An interrupt closed the channel (or seal() did); the file is still there.
          interrupted |= Thread.interrupted();
          storage.forget(channel);
          if (attempt == ATTEMPTS) {
            throw e;
          }
        }
      }
    } finally {
      size = start + (data.position() - origin);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Copies {@code length} bytes at {@code position} into {@code target}; interrupts do not matter. */
  public void read(long position, byte[] target, int offset, int length) throws IOException {
    storage.read(owner, position, target, offset, length);
  }

  /** No more appends: lets the append channel go; reads go on. */
  public void seal() {
    storage.seal();
  }

  /** Deletes the file; later reads fail with a message that says why. Idempotent. */
  public void delete() {
    storage.run();
    reclaim.clear();
    PENDING.remove(reclaim);
  }

  /** Deletes the files of spill files that became unreachable without being deleted. */
  static void deleteUnreachable() {
    for (Reference<? extends SpillFile> gone; (gone = UNREACHABLE.poll()) != null; ) {
      Reclaim reclaim = (Reclaim) gone;
      reclaim.storage.run();
      PENDING.remove(reclaim);
    }
  }

  /** Learns when a spill file became unreachable; holds what is needed to delete its file. */
  private static final class Reclaim extends PhantomReference<SpillFile> {
    private final Storage storage;

    Reclaim(SpillFile file, Storage storage) {
      super(file, UNREACHABLE);
      this.storage = storage;
    }
  }

  @Override
  public String toString() {
    return storage.path.toString();
  }

  /** The file and its descriptors; outlives its SpillFile, so it must not refer to it. */
  private static final class Storage implements Runnable {
    private final Path path;
    /** For appends; null until needed, and after seal() or an interrupt closed it. */
    private FileChannel channel;
    /** For reads; its position moves, so reads hold this object's lock. */
    private RandomAccessFile reader;
    private boolean sealed;
    private boolean deleted;

    Storage(Path path) {
      this.path = path;
    }

    synchronized FileChannel channel(String owner) throws IOException {
      requireNotDeleted(owner);
      if (sealed) {
        throw new IOException("the recording of " + owner + " is sealed: its fake stopped");
      }
      if (channel == null) {
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
      }
      return channel;
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
        throw new IllegalStateException(
            "the recording of " + owner + " beyond its in-memory limit was on disk and was deleted"
                + " when the fake closed; assert before close() (stop() keeps it), or raise the limit with withMemoryLimit(…)");
      }
    }

    /** Drops {@code stale} if it is still the current channel, so the next use reopens the file. */
    synchronized void forget(FileChannel stale) {
      if (channel == stale) {
        closeQuietly(channel);
        channel = null;
      }
    }

    synchronized void seal() {
      sealed = true;
      closeQuietly(channel);
      channel = null;
    }

    /** Deletes the file: from {@link SpillFile#delete()}, or once the SpillFile is unreachable. */
    @Override
    public synchronized void run() {
      deleted = true;
      closeQuietly(channel);
      channel = null;
      closeQuietly(reader);
      reader = null;
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        System.getLogger(SpillFile.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + path, e);
      }
    }

    private void closeQuietly(Closeable closeable) {
      if (closeable == null) {
        return;
      }
      try {
        closeable.close();
      } catch (IOException e) {
        System.getLogger(SpillFile.class.getName()).log(System.Logger.Level.DEBUG, "closing " + path, e);
      }
    }
  }
}
