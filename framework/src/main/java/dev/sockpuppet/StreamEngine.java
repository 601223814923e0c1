package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The running part of a stream server: an accept thread, and one thread per connection. For a
 * canned responder that thread reads and records everything with blocking reads and lets the
 * responder react to each chunk; for a {@link Handler} it runs the handler, whose reads record
 * through a {@link ChannelPump}. Closing a channel (and a pump's selectors) is what wakes a thread
 * blocked on it, which is how {@link #close()} stays bounded.
 */
final class StreamEngine {
  private static final System.Logger LOG = System.getLogger(StreamEngine.class.getName());
  private static final long THREAD_STACK_BYTES = 256 * 1024;
  /** How long close() waits for the server's threads after it closed their channels. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

  /** What the transport adds to an accepted channel: options, and peer credentials if any. */
  @FunctionalInterface
  interface AcceptedChannelSetup {
    PeerCredentials setUp(SocketChannel channel) throws IOException;
  }

  private final String server;
  private final String threadPrefix;
  private final ServerSocketChannel serverChannel;
  private final Recorder recorder;
  private final Duration timeout;
  private final Responder responder;
  private final Handler handler;
  private final AcceptedChannelSetup setup;
  private final Thread acceptor;

  private final Object lock = new Object();
  private final List<Connection> connections = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();
  private boolean closing;

  StreamEngine(
      String server,
      String threadPrefix,
      ServerSocketChannel serverChannel,
      Recorder recorder,
      Duration timeout,
      Responder responder,
      Handler handler,
      AcceptedChannelSetup setup) {
    this.server = server;
    this.threadPrefix = threadPrefix;
    this.serverChannel = serverChannel;
    this.recorder = recorder;
    this.timeout = timeout;
    this.responder = responder;
    this.handler = handler;
    this.setup = setup;
    this.acceptor = newThread(threadPrefix + "-accept", this::acceptLoop);
  }

  void start() {
    acceptor.start();
  }

  List<Connection> connections() {
    synchronized (lock) {
      return List.copyOf(connections);
    }
  }

  Recorder recorder() {
    return recorder;
  }

  /** Problems so far: handler failures, unmatched lines, accept errors, stuck threads. */
  List<Problem> problems() {
    synchronized (lock) {
      return List.copyOf(problems);
    }
  }

  void unmatchedLine(Connection connection, String line) {
    addProblem(new Problem(connection + " received a line no rule matches: \"" + line + "\"", null));
  }

  private void addProblem(Problem problem) {
    synchronized (lock) {
      problems.add(problem);
    }
  }

  private boolean closing() {
    synchronized (lock) {
      return closing;
    }
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel channel;
      try {
        channel = serverChannel.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (!closing()) {
          addProblem(new Problem(server + " stopped accepting connections after an error", e));
        }
        return;
      }
      try {
        register(channel);
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel);
        if (!closing()) {
          addProblem(new Problem(server + " could not set up an accepted connection", e));
        }
      }
    }
  }

  private void register(SocketChannel channel) throws IOException {
    PeerCredentials credentials = setup.setUp(channel);
    SocketAddress peer = channel.getRemoteAddress();
    synchronized (lock) {
      if (closing) {
        closeQuietly(channel);
        return;
      }
      int index = connections.size();
      Connection connection = new Connection(server, index, peer, credentials, recorder, timeout);
      String name = threadPrefix + "-conn-" + index;
      Thread thread;
      LiveConnection live;
      if (handler == null) {
        // Canned responders react on the thread that reads, one blocking read per chunk.
        live = new LiveConnection(connection, channel, null, this, timeout);
        Reaction reaction = responder.isSink() ? null : responder.newReaction();
        LiveConnection reacting = live;
        thread = newThread(name, () -> readLoop(reacting, reaction));
      } else {
        // A handler reads on its own thread, through a pump that can wait with a timeout.
        live = new LiveConnection(connection, channel, ChannelPump.open(channel, connection, recorder), this, timeout);
        LiveConnection handled = live;
        thread = newThread(name, () -> runHandler(handled));
      }
      connections.add(connection);
      workers.add(new Worker(live, thread));
      thread.start();
    }
  }

  /** Reads and records until end-of-stream, a reset or close; feeds a canned responder. */
  private void readLoop(LiveConnection live, Reaction reaction) {
    ChunkReader reader = new ChunkReader(live.channel(), live.connection(), recorder);
    try {
      for (Chunk chunk; (chunk = reader.read()) != null; ) {
        if (reaction != null) {
          react(live, reaction, chunk.bytes());
        }
      }
      if (reader.endOfStream()) {
        react(live, reaction, null);
      } else {
        closeQuietly(live.channel());
      }
    } catch (ClosedChannelException e) {
      // Closed by the fake (a responder or stop()); the close is recorded there.
    } catch (RuntimeException e) {
      addProblem(new Problem("the reading thread of " + live.connection() + " failed", e));
      closeQuietly(live.channel());
    }
  }

  /** Runs one responder step; a peer that went away is recorded, not reported as a failure. */
  private void react(LiveConnection live, Reaction reaction, Bytes chunk) {
    try {
      if (chunk != null) {
        reaction.received(live, chunk);
      } else if (reaction != null) {
        reaction.peerHalfClosed(live);
      } else {
        live.close();
      }
    } catch (ClosedChannelException e) {
      // The connection was closed while answering; the close is already recorded.
    } catch (IOException e) {
      live.connection().event(Kind.RESET, Side.PEER, String.valueOf(e.getMessage()));
      closeQuietly(live.channel());
    }
  }

  private void runHandler(LiveConnection live) {
    try {
      handler.handle(live);
      live.finish();
    } catch (InterruptedException | ClosedChannelException e) {
      if (!closing()) {
        addProblem(new Problem("the handler of " + live.connection() + " was interrupted or used its closed connection", e));
      }
    } catch (Throwable e) {
      if (closing()) {
        LOG.log(Level.DEBUG, "handler of " + live.connection() + " ended by the shutdown", e);
      } else {
        addProblem(new Problem("the handler of " + live.connection() + " failed", e));
        try {
          live.reset();
        } catch (IOException resetFailed) {
          e.addSuppressed(resetFailed);
        }
      }
      if (e instanceof Error error && !(e instanceof AssertionError)) {
        throw error;
      }
    } finally {
      live.release();
    }
  }

  /**
   * Stops accepting, closes every connection (which wakes every thread blocked on one), wakes
   * waiting handlers, and waits for all threads. A thread is reported stuck, with its stack, only
   * when no thread at all has ended for {@link #SHUTDOWN_GRACE}: thousands of connections take
   * their time to wind down on two cores, but they keep making progress, and a stuck one does not.
   */
  void close() {
    synchronized (lock) {
      if (closing) {
        return;
      }
      closing = true;
    }
    closeQuietly(serverChannel);
    Joiner joiner = new Joiner();
    joiner.join(acceptor);
    List<Worker> all;
    synchronized (lock) {
      all = List.copyOf(workers);
    }
    for (Worker worker : all) {
      worker.live.stop();
      if (handler != null) {
        // A handler may wait in its own code; an interrupt ends sleeps and latch waits.
        worker.thread.interrupt();
      }
    }
    joiner.restart();
    for (Worker worker : all) {
      joiner.join(worker.thread);
    }
    for (Thread thread : threads(all)) {
      if (thread.isAlive()) {
        StuckThread stuck = new StuckThread(thread);
        addProblem(new Problem(stuck.getMessage(), stuck));
      }
    }
  }

  private List<Thread> threads(List<Worker> all) {
    List<Thread> threads = new ArrayList<>();
    threads.add(acceptor);
    for (Worker worker : all) {
      threads.add(worker.thread);
    }
    return threads;
  }

  /**
   * Joins threads one after another under a deadline that moves on whenever one of them ends, so
   * the wait is bounded by the grace period since the last progress, not by the number of threads.
   */
  private static final class Joiner {
    private long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    /** Once a thread outlived the grace period, no later progress extends the wait again. */
    private boolean expired;

    void restart() {
      if (!expired) {
        deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
      }
    }

    void join(Thread thread) {
      if (thread.getState() == Thread.State.NEW) {
        return;
      }
      boolean interrupted = false;
      try {
        long left;
        while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
          try {
            thread.join(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      if (thread.isAlive()) {
        expired = true;
      } else {
        restart();
      }
    }
  }

  private static Thread newThread(String name, Runnable body) {
    Thread thread = new Thread(null, body, name, THREAD_STACK_BYTES);
    // A thread stuck in user code must never keep the JVM (and the build) alive.
    thread.setDaemon(true);
    return thread;
  }

  static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing " + closeable + " failed", e);
    }
  }

  private record Worker(LiveConnection live, Thread thread) {}

  /** Something that went wrong on the fake's side, for verify() and close() to report. */
  record Problem(String description, Throwable cause) {}

  /** A thread that did not end after its channel closed; carries the thread's stack. */
  private static final class StuckThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StuckThread(Thread thread) {
      super("thread '" + thread.getName() + "' did not stop within " + SHUTDOWN_GRACE.toMillis()
          + " ms after its connection closed; it is stuck in the code shown below");
      // The stack is where the thread is stuck now, which is what the reader needs; the stack of
      // the thread that noticed it would only show close().
      setStackTrace(thread.getStackTrace());
    }
  }
}
