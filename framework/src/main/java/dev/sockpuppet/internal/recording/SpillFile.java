package dev.sockpuppet.internal.recording;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The temporary file (owner-only) a recording writes to once its in-memory limit is reached.
 * Appends come from connection threads, reads from any thread.
 *
 * <p><b>Interrupts.</b> A {@link FileChannel} closes itself when a thread doing I/O on it is
 * interrupted, and every later use then fails; tests interrupt threads routinely ({@code
 * assertTimeoutPreemptively}, {@code @Timeout}, a fake's own shutdown). So every operation runs with
 * the caller's interrupt status cleared (and restored afterwards), and an operation that finds the
 * channel closed by someone else's interrupt reopens the file and carries on where it was: no
 * interrupt can break a recording.
 *
 * <p><b>Lifetime.</b> {@link #seal()} (the fake stopped) closes the descriptor; the file stays, and
 * reads reopen it read-only. {@link #delete()} (the fake closed) deletes it; reads then fail with a
 * message saying why. If neither happens, the file is deleted once the recording is unreachable,
 * and at the latest when the JVM exits.
 */
public final class SpillFile {
  private static final Cleaner CLEANER =
      Cleaner.create(task -> {
        Thread thread = new Thread(task, "sockpuppet-spill-cleaner");
        thread.setDaemon(true);
        return thread;
      });
  private static final int ATTEMPTS = 5;

  private final String owner;
  private final Storage storage;
  private final Cleaner.Cleanable cleanable;
  /** Bytes appended so far; appends are serialised on this object. */
  private long size;

  private SpillFile(String owner, Storage storage) {
    this.owner = owner;
    this.storage = storage;
    this.cleanable = CLEANER.register(this, storage);
  }

  /** A fresh, empty, owner-only temporary file for the recording of {@code owner}. */
  public static SpillFile create(String owner) throws IOException {
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
    run(channel -> {
      while (data.hasRemaining()) {
        // A retry after an interrupt resumes at what the buffer says is left.
        size += channel.write(data, size);
      }
      return null;
    });
    return start;
  }

  /** Copies {@code length} bytes at {@code position} into {@code target}. */
  public void read(long position, byte[] target, int offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(target, offset, length);
    run(channel -> {
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position + (buffer.position() - offset));
        if (read < 0) {
          throw new IOException("spill file " + storage.path + " ended early at " + (position + buffer.position() - offset));
        }
      }
      return null;
    });
  }

  /** No more appends: lets the descriptor go; reads reopen the file read-only when they need it. */
  public void seal() {
    storage.seal();
  }

  /** Deletes the file; later reads fail with a message that says why. Idempotent. */
  public void delete() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return storage.path.toString();
  }

  @FunctionalInterface
  private interface Operation {
    Void on(FileChannel channel) throws IOException;
  }

  private void run(Operation operation) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 1; ; attempt++) {
        FileChannel channel = storage.channel(owner);
        try {
          operation.on(channel);
          return;
        } catch (ClosedChannelException e) {
          // An interrupt (of this thread or of another one using the channel) closed it, or seal()
          // did; the file is still there, so open it again and go on.
          interrupted |= Thread.interrupted();
          storage.forget(channel);
          if (attempt == ATTEMPTS) {
            throw e;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The file and its descriptor; also the cleaner's action, so it must not refer to the SpillFile. */
  private static final class Storage implements Runnable {
    private final Path path;
    private FileChannel channel;
    private boolean sealed;
    private boolean deleted;

    Storage(Path path) {
      this.path = path;
    }

    synchronized FileChannel channel(String owner) throws IOException {
      if (deleted) {
        throw new IllegalStateException(
            "the recording of " + owner + " beyond its in-memory limit was on disk and was deleted"
                + " when the fake closed; assert before close() (stop() keeps it), or raise the limit with withMemoryLimit(…)");
      }
      if (channel == null) {
        channel =
            sealed
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }

    /** Drops {@code stale} if it is still the current channel, so the next use reopens the file. */
    synchronized void forget(FileChannel stale) {
      if (channel == stale) {
        closeQuietly();
        channel = null;
      }
    }

    synchronized void seal() {
      sealed = true;
      closeQuietly();
      channel = null;
    }

    /** Deletes the file: from {@link SpillFile#delete()}, or by the cleaner once unreachable. */
    @Override
    public synchronized void run() {
      deleted = true;
      closeQuietly();
      channel = null;
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        System.getLogger(SpillFile.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + path, e);
      }
    }

    private void closeQuietly() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          System.getLogger(SpillFile.class.getName()).log(System.Logger.Level.DEBUG, "closing " + path, e);
        }
      }
    }
  }
}
