package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opentest4j.AssertionFailedError;

/**
 * The running part of a fake with exactly one connection: a client peer's connection to the
 * program under test, opened when the peer starts, or a FIFO pair's pipes ({@link #play}); played
 * by a {@link ConnectionRunner} on a thread of its own, like a server's accepted connection. Connecting retries, bounded, while nothing listens yet (the program may
 * still be starting); {@link #stop()} is bounded like a server's.
 */
public final class PeerEngine implements FakeCore.Running {
  /** Opens an unconnected channel of the right protocol family. */
  @FunctionalInterface
  public interface ChannelOpener {
    SocketChannel open() throws IOException;
  }

  private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LONGEST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ConnectionRunner runner;
  private final Thread thread;
  private final List<Thread> helpers;
  private final Problems problems;
  private final Behaviour behaviour;
  private final AtomicBoolean stopping;

  private PeerEngine(
      ConnectionRunner runner,
      Thread thread,
      List<Thread> helpers,
      Problems problems,
      Behaviour behaviour,
      AtomicBoolean stopping) {
    this.runner = runner;
    this.thread = thread;
    this.helpers = List.copyOf(helpers);
    this.problems = problems;
    this.behaviour = behaviour;
    this.stopping = stopping;
  }

  /**
   * Connects to {@code target}, retrying while it refuses, until {@code timeout} is over; then runs
   * {@code behaviour} on the connection.
   *
   * @param threadName the connection thread's name
   * @param wrap what the peer puts around the socket transport (its faults), applied once the
   *     connection is recorded
   * @throws IOException naming the target, the time and the last error, if no connection came about
   */
  public static PeerEngine connect(
      String threadName,
      ChannelOpener opener,
      SocketAddress target,
      String targetDescription,
      Duration timeout,
      FakeCore.Run run,
      Behaviour behaviour,
      TransportWrapper wrap)
      throws IOException {
    SocketChannel channel = connectWithRetry(opener, target, targetDescription, timeout);
    Transport transport = SocketTransport.open(channel, behaviour.mode());
    ConnectionRecord record;
    try {
      record = run.traffic().openConnection(transport.localAddress(), transport.remoteAddress(), null);
    } catch (RuntimeException | Error e) {
      transport.close();
      throw e;
    }
    return play(threadName, record, transport, List.of(), timeout, run, behaviour, wrap);
  }

  /**
   * Plays {@code behaviour} on one connection over {@code transport}, already on record as {@code
   * record}: a FIFO pair's pipes, or a peer's socket.
   *
   * @param helpers threads of the transport itself, which a stop joins after closing it
   */
  public static PeerEngine play(
      String threadName,
      ConnectionRecord record,
      Transport transport,
      List<Thread> helpers,
      Duration timeout,
      FakeCore.Run run,
      Behaviour behaviour,
      TransportWrapper wrap) {
    ConnectionIo io;
    ConnectionRunner runner;
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      transport = wrap.wrap(transport, record);
      io = new ConnectionIo(record, transport, run.traffic().recorder(), run.problems(), timeout);
      runner = behaviour.runner(io, run.problems(), stopping::get);
    } catch (RuntimeException | Error e) {
      transport.close();
      throw e;
    }
    behaviour.started(run.problems());
    Thread thread;
    try {
      thread = Threads.start(threadName, runner);
    } catch (Throwable e) {
      io.resetQuietly("the fake could not start a thread for it");
      throw e;
    }
    return new PeerEngine(runner, thread, helpers, run.problems(), behaviour, stopping);
  }

  /** Whether the connection's script or handler has ended. */
  public boolean finished() {
    return !thread.isAlive();
  }

  /**
   * Waits up to {@code timeout} for the connection's script or handler to end, then verifies
   * {@code core}: throws the step that failed, or the steps left if it did not finish in time.
   */
  public void awaitFinished(FakeCore core, Duration timeout) {
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionFailedError(core.description() + ": interrupted while waiting for its script to finish", e);
    }
    if (thread.isAlive()) {
      try {
        core.verify();
      } catch (AssertionFailedError unfinished) {
        throw new AssertionFailedError(
            core.description() + " did not finish within " + Durations.describe(timeout) + ": " + unfinished.getMessage(),
            unfinished);
      }
      throw new AssertionFailedError(
          core.description() + " did not finish within " + Durations.describe(timeout) + " (its handler is still running)");
    }
    core.verify();
  }

  /**
   * Sends {@code bytes} for a test: see {@link ConnectionIo#write(Bytes)}.
   *
   * @throws UncheckedIOException naming {@code core}'s fake if the write failed or stalled
   */
  public void send(FakeCore core, Bytes bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      io().write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(core.description() + " could not send: " + e.getMessage(), e);
    }
  }

  /** Ends the fake's output for a test: see {@link ConnectionIo#shutdownOutput()}. */
  public void sendEof(FakeCore core) {
    try {
      io().shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(core.description() + " could not end its output: " + e.getMessage(), e);
    }
  }

  /** The fake's end of the connection, for a test that sends on it itself. */
  public ConnectionIo io() {
    return runner.io();
  }

  /** The connection's recording. */
  public ConnectionRecord record() {
    return runner.io().record();
  }

  @Override
  public void stop() {
    stopping.set(true);
    runner.io().stop();
    thread.interrupt();
    Joiner joiner = new Joiner();
    joiner.join(thread);
    for (Thread helper : helpers) {
      joiner.join(helper);
    }
    joiner.reportStuck(problems);
  }

  private static SocketChannel connectWithRetry(
      ChannelOpener opener, SocketAddress target, String targetDescription, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_RETRY_NANOS;
    int attempts = 0;
    IOException last;
    while (true) {
      attempts++;
      try {
        return connectOnce(opener, target, deadline);
      } catch (IOException e) {
        if (!notListeningYet(e)) {
          throw new IOException("cannot connect to " + targetDescription + ": " + e.getMessage(), e);
        }
        last = e;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting to " + targetDescription, e);
      }
      pause = Math.min(pause * 2, LONGEST_RETRY_NANOS);
    }
    throw new IOException(
        "nothing accepted a connection at " + targetDescription + " within " + Durations.describe(timeout) + " ("
            + attempts + (attempts == 1 ? " attempt" : " attempts") + "; last: " + last.getMessage()
            + "); is the program under test started and listening there?",
        last);
  }

  /** One non-blocking connect, bounded by {@code deadline}; the channel is blocking-ready afterwards. */
  private static SocketChannel connectOnce(ChannelOpener opener, SocketAddress target, long deadline)
      throws IOException {
    SocketChannel channel = opener.open();
    try {
      channel.configureBlocking(false);
      if (!channel.connect(target)) {
        try (Selector selector = channel.provider().openSelector()) {
          channel.register(selector, SelectionKey.OP_CONNECT);
          while (!channel.finishConnect()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              throw new ConnectException("the connection was not accepted in time");
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          }
        }
      }
      return channel;
    } catch (IOException | RuntimeException | Error e) {
      SocketTransport.closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Whether a failed connect means "nothing listens there yet": refused, no socket file yet, or a
   * full backlog of a Unix socket. Anything else (permission denied, no route) will not change by
   * waiting.
   */
  private static boolean notListeningYet(IOException e) {
    if (e instanceof ConnectException) {
      return true;
    }
    String message = String.valueOf(e.getMessage());
    return message.contains("No such file") || message.contains("Connection refused")
        || message.contains("temporarily unavailable");
  }

  /** What a peer puts around its socket transport: its faults, or nothing. */
  @FunctionalInterface
  public interface TransportWrapper {
    TransportWrapper NONE = (transport, record) -> transport;

    Transport wrap(Transport transport, ConnectionRecord record);
  }

  @Override
  public String toString() {
    return "peer engine of " + record() + " (" + behaviour + ")";
  }
}
