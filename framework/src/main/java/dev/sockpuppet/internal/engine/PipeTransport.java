package dev.sockpuppet.internal.engine;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection made of pipes: what the program writes comes in through a {@link PipeInput}, what
 * the fake sends goes out through a {@link PipeOutput}. A FIFO pair is one (two named pipes), a
 * single FIFO is one with only one half, and a process's stdout and stdin are one. The runner,
 * recording, handlers, responders and scripts sit on it as on a socket.
 *
 * <p>Pipes have no reset: {@link #reset()} closes. A transport without an input half never reads
 * end-of-stream (it waits until it closes); one without an output half refuses writes, saying why.
 */
public final class PipeTransport implements Transport {
  private final PipeInput input;
  private final PipeOutput output;
  private final String noOutputBecause;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final CountDownLatch closed = new CountDownLatch(1);

  private PipeTransport(PipeInput input, PipeOutput output, String noOutputBecause) {
    this.input = input;
    this.output = output;
    this.noOutputBecause = noOutputBecause;
  }

  /**
   * A transport over {@code input} and {@code output}, each of which may be null.
   *
   * @param noOutputBecause why writes are refused when there is no output half
   */
  static PipeTransport of(PipeInput input, PipeOutput output, String noOutputBecause) {
    return new PipeTransport(input, output, noOutputBecause);
  }

  @Override
  public int read(ByteBuffer into, long timeoutNanos) throws IOException {
    if (input != null) {
      return input.read(into, timeoutNanos);
    }
    try {
      boolean isClosed = timeoutNanos == NO_TIMEOUT ? awaitClosed() : closed.await(timeoutNanos, TimeUnit.NANOSECONDS);
      if (isClosed) {
        throw new ClosedChannelException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private boolean awaitClosed() throws InterruptedException {
    closed.await();
    return true;
  }

  @Override
  public void write(ByteBuffer from, long timeoutNanos) throws IOException {
    if (output == null) {
      throw new ClosedBecause(noOutputBecause);
    }
    if (!open.get()) {
      throw new ClosedChannelException();
    }
    output.write(from, timeoutNanos);
  }

  @Override
  public boolean writeFailureEndsOutputOnly() {
    return true;
  }

  @Override
  public void shutdownOutput() {
    if (output != null) {
      output.end();
    }
  }

  @Override
  public void reset() {
    close();
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    try {
      if (output != null) {
        output.close();
      }
    } finally {
      if (input != null) {
        input.close();
      }
      closed.countDown();
    }
  }

  @Override
  public boolean isOpen() {
    return open.get();
  }

  /** The threads that open and read the pipes, for a stop to join and report if stuck. */
  List<Thread> threads() {
    List<Thread> threads = new ArrayList<>(2);
    if (input != null) {
      threads.add(input.thread());
    }
    if (output != null) {
      threads.add(output.thread());
    }
    return threads;
  }

  @Override
  public SocketAddress localAddress() {
    return null;
  }

  @Override
  public SocketAddress remoteAddress() {
    return null;
  }
}
