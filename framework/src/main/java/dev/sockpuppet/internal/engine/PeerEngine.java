package dev.sockpuppet.internal.engine;

import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running part of a client peer: one connection to the program under test, opened when the
 * peer starts and played by a {@link ConnectionRunner} on a thread of its own, like a server's
 * accepted connection. Connecting retries, bounded, while nothing listens yet (the program may
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
  private final Problems problems;
  private final Behaviour behaviour;
  private final AtomicBoolean stopping;

  private PeerEngine(
      ConnectionRunner runner, Thread thread, Problems problems, Behaviour behaviour, AtomicBoolean stopping) {
    this.runner = runner;
    this.thread = thread;
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
    TrafficRecord traffic = run.traffic();
    ConnectionRecord record;
    ConnectionIo io;
    ConnectionRunner runner;
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      record = traffic.openConnection(transport.localAddress(), transport.remoteAddress(), null);
      transport = wrap.wrap(transport, record);
      io = new ConnectionIo(record, transport, traffic.recorder(), run.problems(), timeout);
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
      io.resetQuietly("the peer could not start a thread for it");
      throw e;
    }
    return new PeerEngine(runner, thread, run.problems(), behaviour, stopping);
  }

  /** Whether the connection's script or handler has ended. */
  public boolean finished() {
    return !thread.isAlive();
  }

  /**
   * Waits up to {@code timeout} for the connection's script or handler to end.
   *
   * @return whether it ended
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
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
