package dev.sockpuppet.internal.engine;

import dev.sockpuppet.internal.Durations;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The writing half of a pipe transport: a named pipe the program reads, or a process's stdin.
 *
 * <p><b>Opening never blocks a caller.</b> Opening a named pipe for writing blocks until the
 * program opens it for reading, which it may do late or never; so a thread of its own opens it as
 * soon as the transport exists, and a write waits for that, bounded by its timeout. A write that
 * finds the pipe still unopened fails with an error that says so, and nothing is on record as sent.
 *
 * <p><b>Nothing is lost in between.</b> Once open, a named pipe also gets a reader of the fake's
 * own (the {@linkplain Opened#keeper() keeper}) that never reads: the pipe then keeps what was
 * written even while the program has closed its end (a shell loop that runs {@code read line <
 * pipe} each time opens and closes it per line), and a write never fails with a broken pipe. A
 * program that never reads again makes the pipe fill up, and the next write stalls and is
 * bounded like any other.
 *
 * <p><b>Writes are bounded.</b> The JDK writes pipes only blocking; a program that never reads
 * would hold a write for ever, so the shared {@link IoWatchdog} closes the pipe once a write
 * overran its deadline. Closing wakes the writer with the count it got through.
 */
final class PipeOutput implements IoWatchdog.Watched {
  /** Where the bytes go. */
  interface Sink {
    /** Opens the pipe; may block until the program opens its end, or while {@link #holdOpen()} holds. */
    Opened open() throws IOException;

    /**
     * Makes every {@link #open()}, blocked now or still to come, return at once until the handle is
     * closed; null when no open can block.
     */
    default Closeable holdOpen() {
      return null;
    }

    /** The pipe in words, for messages. */
    String describe();
  }

  /** An opened pipe, and for a named pipe the fake's own reader that keeps its buffer alive. */
  record Opened(WritableByteChannel channel, InputStream keeper) {}

  /** Hears that the program opened its end. */
  @FunctionalInterface
  interface Listener {
    void opened();
  }

  private static final int IDLE = 0;
  private static final int WRITING = 1;
  private static final int ABORTED = 2;

  private final Sink sink;
  private final Listener listener;
  private final CountDownLatch openedLatch = new CountDownLatch(1);
  private final Thread opener;
  private final AtomicInteger writeState = new AtomicInteger(IDLE);
  private volatile long writeDeadline;
  private volatile boolean closing;
  private volatile IOException openFailure;
  /** What a stop holds open until the opening thread ended; closed by whichever sees that first. */
  private final AtomicReference<Closeable> held = new AtomicReference<>();
  /** Guarded by this. */
  private Opened opened;
  private boolean outputEnded;

  PipeOutput(String threadName, Sink sink, Listener listener) {
    this.sink = sink;
    this.listener = listener;
    this.opener = Threads.start(threadName, this::open);
  }

  private void open() {
    try {
      Opened result = sink.open();
      synchronized (this) {
        if (closing) {
          closeQuietly(result.channel());
          closeQuietly(result.keeper());
          return;
        }
        opened = result;
      }
      IoWatchdog.shared().watch(this);
      listener.opened();
    } catch (IOException e) {
      if (!closing) {
        openFailure = e;
      }
    } catch (RuntimeException | Error e) {
      if (!closing) {
        openFailure = new IOException(e.toString(), e);
      }
    } finally {
      openedLatch.countDown();
      releaseHeld();
    }
  }

  private void releaseHeld() {
    closeQuietly(held.getAndSet(null));
  }

  /** See {@link Transport#write}: waits for the program to open its end within the same bound. */
  void write(ByteBuffer from, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    WritableByteChannel channel = awaitOpen(timeoutNanos);
    writeDeadline = deadline;
    writeState.set(WRITING);
    try {
      while (from.hasRemaining()) {
        channel.write(from);
      }
    } catch (IOException e) {
      if (writeState.get() != ABORTED) {
        throw e;
      }
      // The watchdog ended a write that overran its deadline; from's position says how far it got.
    } finally {
      writeState.set(IDLE);
    }
  }

  private WritableByteChannel awaitOpen(long timeoutNanos) throws IOException {
    try {
      if (!openedLatch.await(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
        throw new ClosedBecause(
            "the program did not open " + sink.describe() + " for reading within "
                + Durations.describe(Duration.ofNanos(timeoutNanos)) + ", so nothing was written to it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClosedBecause("interrupted while waiting for the program to open " + sink.describe());
    }
    IOException failure = openFailure;
    if (failure != null) {
      throw new IOException("cannot open " + sink.describe() + ": " + failure.getMessage(), failure);
    }
    synchronized (this) {
      if (closing || opened == null) {
        throw new ClosedChannelException();
      }
      if (outputEnded) {
        throw new ClosedBecause("the fake already ended its output to " + sink.describe());
      }
      return opened.channel();
    }
  }

  /** Whether the program has opened its end (so far as a write could go out now). */
  synchronized boolean isOpen() {
    return opened != null && !outputEnded && !closing;
  }

  @Override
  public boolean abortIfOverdue(long now) {
    int current = writeState.get();
    if (current == WRITING && now - writeDeadline > 0 && writeState.compareAndSet(WRITING, ABORTED)) {
      closeChannel();
      return true;
    }
    return current == ABORTED;
  }

  /** Ends the output: the program reads end-of-file once it took what is in the pipe. */
  void end() {
    synchronized (this) {
      if (outputEnded || opened == null) {
        outputEnded = true;
        return;
      }
      outputEnded = true;
      closeQuietly(opened.channel());
    }
  }

  /**
   * Closes the pipe for good; a thread still waiting to open it is woken. What the program has not
   * read yet stays in the pipe for as long as the program holds its end open, as bytes in a
   * socket's buffer outlive a close. Idempotent.
   *
   * @return whether the opening thread ended
   */
  boolean close() {
    closing = true;
    IoWatchdog.shared().forget(this);
    Opened was;
    synchronized (this) {
      was = opened;
      opened = null;
    }
    if (was != null) {
      closeQuietly(was.channel());
      closeQuietly(was.keeper());
    }
    if (opener.isAlive()) {
      // Held until the opener ended, however late it reaches its open: then it cannot block there.
      held.set(sink.holdOpen());
      if (!opener.isAlive()) {
        releaseHeld();
      }
    }
    try {
      opener.join(Joiner.GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!opener.isAlive()) {
      releaseHeld();
    }
    return !opener.isAlive();
  }

  Thread thread() {
    return opener;
  }

  private synchronized void closeChannel() {
    if (opened != null) {
      closeQuietly(opened.channel());
    }
  }

  static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException e) {
      System.getLogger(PipeOutput.class.getName()).log(System.Logger.Level.DEBUG, "closing a pipe", e);
    }
  }
}
