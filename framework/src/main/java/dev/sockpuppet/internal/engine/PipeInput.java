package dev.sockpuppet.internal.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The reading half of a pipe transport: a thread of its own reads the pipe (a named pipe, or a
 * process's stdout) with blocking reads, which is all the JDK offers for pipes, and hands what it
 * read to {@link #read}, which can then wait with a bound as the {@link Transport} contract asks.
 *
 * <p><b>Bounded.</b> At most {@link #QUEUED} reads of at most {@link #READ_SIZE} bytes wait to be
 * taken; past that the thread stops reading, the pipe fills up, and the program's writes block, as
 * they would with a slow reader.
 *
 * <p><b>Named pipes that reopen.</b> When the program closes a named pipe it writes, the fake reads
 * end-of-file, but the program may open the pipe again (a shell loop that runs {@code echo … >
 * pipe} each time). A {@link Source} that {@linkplain Source#reopens() reopens} turns end-of-file
 * into a {@link Listener#closed()} and keeps reading the same end, paced, until bytes come again
 * ({@link Listener#opened()}). Waiting in a fresh blocking open instead would miss a program that
 * opened, wrote and closed before that open began, and its bytes would stay in the pipe unread; a
 * reader that never lets go misses nothing, and the program never finds the pipe without a
 * reader. The cost: a program that opens and closes without writing is not noticed, and two
 * sessions written before the fake read either show as one. Events reach the listener in order
 * with the bytes, on the thread that calls {@link #read}.
 */
final class PipeInput {
  static final int READ_SIZE = 64 * 1024;
  private static final int QUEUED = 4;
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Where the bytes come from. */
  interface Source {
    /** Opens the pipe; may block until the program opens its end, or while {@link #holdOpen()} holds. */
    ReadableByteChannel open() throws IOException;

    /**
     * Makes every {@link #open()}, blocked now or still to come, return at once until the handle is
     * closed, so the thread can see the transport closed; null when no open can block.
     */
    default Closeable holdOpen() {
      return null;
    }

    /** Whether end-of-file is a pause (the program may open the pipe again) rather than the end. */
    default boolean reopens() {
      return false;
    }

    /** The pipe in words, for thread names and messages. */
    String describe();
  }

  /** Hears what happens to the pipe, in order with the bytes. */
  interface Listener {
    void opened();

    void closed();
  }

  private enum Marker { OPENED, CLOSED, END }

  private final Source source;
  private final Listener listener;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED);
  /** Read buffers the reader is done with. */
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(QUEUED + 2);
  private final Thread thread;
  private volatile boolean closing;
  /** What a stop holds open until the thread ended; closed by whichever sees that first. */
  private final AtomicReference<Closeable> held = new AtomicReference<>();
  /** The channel the thread reads; guarded by this, so close() can close it. */
  private ReadableByteChannel channel;
  /** What the last read left of a chunk; only the reading caller touches it. */
  private ByteBuffer pending;
  private boolean ended;

  PipeInput(String threadName, Source source, Listener listener) {
    this.source = source;
    this.listener = listener;
    this.thread = Threads.start(threadName, this::pump);
  }

  /**
   * Reads what the thread took from the pipe: see {@link Transport#read}. A failure of the pipe
   * surfaces here as the {@link IOException} it was.
   */
  int read(ByteBuffer into, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      if (closing) {
        throw new ClosedChannelException();
      }
      if (pending != null) {
        int count = Math.min(pending.remaining(), into.remaining());
        ByteBuffer part = pending.duplicate();
        part.limit(part.position() + count);
        into.put(part);
        pending.position(pending.position() + count);
        if (!pending.hasRemaining()) {
          if (pending.capacity() == READ_SIZE) {
            free.offer(pending.clear()); // back to the thread, which reads into it again
          }
          pending = null;
        }
        return count;
      }
      if (ended) {
        return -1;
      }
      Object next;
      try {
        if (timeoutNanos == Transport.NO_TIMEOUT) {
          next = queue.take();
        } else {
          long left = deadline - System.nanoTime();
          next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
      if (next == null) {
        return 0;
      } else if (next instanceof ByteBuffer bytes) {
        pending = bytes;
      } else if (next == Marker.OPENED) {
        listener.opened();
      } else if (next == Marker.CLOSED) {
        listener.closed();
      } else if (next == Marker.END) {
        ended = true;
      } else if (next instanceof IOException failure) {
        ended = true;
        throw failure;
      } else if (next instanceof RuntimeException failure) {
        ended = true;
        throw failure;
      } else {
        ended = true;
        throw (Error) next;
      }
    }
  }

  /**
   * Stops the thread: closes the pipe (a blocked read wakes), wakes a blocked open, and waits for
   * the thread within {@link Joiner#GRACE}. Idempotent.
   *
   * @return whether the thread ended
   */
  boolean close() {
    closing = true;
    closeChannel();
    thread.interrupt(); // a thread waiting for room in the queue
    if (thread.isAlive()) {
      // Held until the thread ended, however late it reaches its open: then it cannot block there.
      held.set(source.holdOpen());
      if (!thread.isAlive()) {
        releaseHeld();
      }
    }
    try {
      thread.join(Joiner.GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      releaseHeld();
    }
    return !thread.isAlive();
  }

  Thread thread() {
    return thread;
  }

  private void pump() {
    try {
      ReadableByteChannel current = source.open();
      if (!adopt(current)) {
        return;
      }
      hand(Marker.OPENED);
      ByteBuffer buffer = nextBuffer();
      boolean programClosed = false;
      long pause = FIRST_PAUSE_NANOS;
      while (!closing) {
        buffer.clear();
        int count = current.read(buffer);
        if (count > 0) {
          if (programClosed) {
            programClosed = false;
            pause = FIRST_PAUSE_NANOS;
            hand(Marker.OPENED);
          }
          buffer.flip();
          if (count < READ_SIZE / 4) {
            hand(ByteBuffer.allocate(count).put(buffer).flip()); // a small read keeps no large buffer waiting
          } else {
            hand(buffer);
            buffer = nextBuffer();
          }
        } else if (count < 0) {
          if (!source.reopens()) {
            hand(Marker.END);
            return;
          }
          if (!programClosed) {
            programClosed = true;
            hand(Marker.CLOSED);
          }
          // The same end stays open and is read again: the pipe always has a reader, so the
          // program's next open and write succeed at once, and nothing it writes, however briefly
          // it holds the pipe, can slip past. A pipe without writers reads end-of-file at once, so
          // the reads are paced, which bounds how late a re-opening program is noticed.
          LockSupport.parkNanos(this, pause);
          pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
        }
      }
    } catch (InterruptedException e) {
      // closing
    } catch (IOException | RuntimeException | Error e) {
      if (!closing) {
        try {
          hand(e);
        } catch (InterruptedException closing) {
          // the transport closes; nobody reads the failure any more
        }
      }
    } finally {
      closeChannel();
      releaseHeld();
    }
  }

  private void releaseHeld() {
    PipeOutput.closeQuietly(held.getAndSet(null));
  }

  /** Makes {@code opened} the channel close() closes; false (and closed) if the transport is closing. */
  private synchronized boolean adopt(ReadableByteChannel opened) throws IOException {
    ReadableByteChannel previous = channel;
    channel = opened;
    if (closing) {
      opened.close();
      if (previous != null) {
        previous.close();
      }
      return false;
    }
    return true;
  }

  private synchronized void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        System.getLogger(PipeInput.class.getName()).log(System.Logger.Level.DEBUG, "closing " + source.describe(), e);
      }
    }
  }

  /**
   * A buffer to read into: one the reader gave back, or a new one. Direct, so a read from the
   * pipe is one copy; at most {@link #QUEUED} + 2 exist, since a full queue stops the reads.
   */
  private ByteBuffer nextBuffer() {
    ByteBuffer recycled = free.poll();
    return recycled != null ? recycled : ByteBuffer.allocateDirect(READ_SIZE);
  }

  private void hand(Object item) throws InterruptedException {
    queue.put(item);
  }
}
