package dev.sockpuppet;

import dev.sockpuppet.StreamEngine.Problem;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * What the connection-oriented fakes, {@link TcpServer} and {@link UnixSocketServer}, share: the
 * lifecycle, the behaviour per connection, the recording, and the waits.
 *
 * <p>Every accepted connection is recorded as a {@link Connection}; its bytes are read as they
 * arrive, on a thread of its own named after the server and the connection, whatever the behaviour
 * does. The behaviour is a {@link Responder} (default: {@link Responder#sink()}, record only) or a
 * {@link Handler}; the last one configured wins.
 *
 * <p>Defaults: timeout 10 s; in-memory recording limit 64 MiB per server, past which bytes spill
 * to a temporary file. All methods are thread-safe.
 */
public abstract sealed class StreamServer implements FakeServer permits TcpServer, UnixSocketServer {
  /** How long waits last unless {@code withTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Bytes a recording keeps in memory unless {@code withMemoryLimit} says otherwise. */
  public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;

  private enum State { NEW, RUNNING, STOPPED }

  private String name;
  private Duration timeout = DEFAULT_TIMEOUT;
  private long memoryLimit = DEFAULT_MEMORY_LIMIT;
  private Responder responder = Responder.sink();
  private Handler handler;

  private State state = State.NEW;
  private volatile StreamEngine engine;

  StreamServer(String defaultName) {
    this.name = defaultName;
  }

  /** {@code TcpServer} or {@code UnixSocketServer}, for messages. */
  abstract String kind();

  /** Opens and binds the listening channel; runs inside start(). */
  abstract ServerSocketChannel bind() throws IOException;

  /** Options and credentials for each accepted channel. */
  abstract StreamEngine.AcceptedChannelSetup acceptedChannelSetup();

  /** Removes what bind() left behind, such as socket files; runs after the channel closed. */
  abstract void release() throws IOException;

  // ---- configuration, for the with… methods of the concrete servers ----

  final void configureName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a server name must not be blank");
    }
    requireNew("withName");
    this.name = name;
  }

  final void configureTimeout(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    requireNew("withTimeout");
    this.timeout = timeout;
  }

  final void configureMemoryLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("the in-memory limit must not be negative, got " + bytes);
    }
    requireNew("withMemoryLimit");
    this.memoryLimit = bytes;
  }

  final void configureResponder(Responder responder) {
    Objects.requireNonNull(responder, "responder");
    requireNew("withResponder");
    this.responder = responder;
    this.handler = null;
  }

  final void configureHandler(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    requireNew("withHandler");
    this.handler = handler;
    this.responder = Responder.sink();
  }

  final synchronized void requireNew(String method) {
    if (state != State.NEW) {
      throw new IllegalStateException(
          method + "(…) configures " + description() + " before start(); it is already "
              + (state == State.RUNNING ? "running" : "stopped"));
    }
  }

  /** Throws the "call start() first" error for an accessor used too early. */
  final void requireStarted(String accessor) {
    if (engine == null) {
      throw new IllegalStateException(
          description() + "." + accessor + "() is only known once the server runs; call start() first");
    }
  }

  // ---- lifecycle ----

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public synchronized StreamServer start() {
    if (state == State.RUNNING) {
      return this;
    }
    if (state == State.STOPPED) {
      throw new IllegalStateException(description() + " was stopped and cannot start again; create a new one");
    }
    Recorder recorder = new Recorder(description(), memoryLimit);
    ServerSocketChannel channel;
    try {
      channel = bind();
    } catch (IOException e) {
      releaseQuietly();
      throw new UncheckedIOException(description() + " could not start: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      releaseQuietly();
      throw e;
    }
    StreamEngine started =
        new StreamEngine(
            description(), threadPrefix(), channel, recorder, timeout, responder, handler, acceptedChannelSetup());
    started.start();
    engine = started;
    state = State.RUNNING;
    return this;
  }

  @Override
  public synchronized boolean isRunning() {
    return state == State.RUNNING;
  }

  @Override
  public final void stop() {
    StreamEngine stopping;
    synchronized (this) {
      if (state != State.RUNNING) {
        state = State.STOPPED;
        return;
      }
      state = State.STOPPED;
      stopping = engine;
    }
    stopping.close();
    List<Throwable> cleanup = new java.util.ArrayList<>();
    try {
      release();
    } catch (IOException | RuntimeException e) {
      cleanup.add(e);
    }
    try {
      stopping.recorder().close();
    } catch (IOException | RuntimeException e) {
      cleanup.add(e);
    }
    if (!cleanup.isEmpty()) {
      AssertionFailedError error = new AssertionFailedError(description() + " could not remove its files", cleanup.get(0));
      cleanup.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
    verify();
  }

  @Override
  public final void close() {
    stop();
  }

  @Override
  public final void verify() {
    StreamEngine current = engine;
    List<Problem> problems = current == null ? List.of() : current.problems();
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(description()).append(" had ")
        .append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
    for (int i = 0; i < problems.size(); i++) {
      Problem problem = problems.get(i);
      message.append("\n  ").append(i + 1).append(". ").append(problem.description());
      if (problem.cause() != null) {
        message.append(": ").append(problem.cause());
      }
    }
    Throwable first = problems.stream().map(Problem::cause).filter(Objects::nonNull).findFirst().orElse(null);
    AssertionFailedError error = new AssertionFailedError(message.toString(), first);
    problems.stream().map(Problem::cause).filter(c -> c != null && c != first).forEach(error::addSuppressed);
    throw error;
  }

  // ---- recording ----

  @Override
  public Traffic traffic() {
    return new Traffic(description(), timeout, this::currentConnections);
  }

  /** Connections accepted so far, in accept order. */
  public List<Connection> connections() {
    return traffic().connections();
  }

  /**
   * The connection at {@code index} in accept order.
   *
   * @throws IndexOutOfBoundsException naming how many there are
   */
  public Connection connection(int index) {
    return traffic().connection(index);
  }

  /** How much of the recording is held in memory and how much went to its spill file. */
  public RecordingUsage recordingUsage() {
    StreamEngine current = engine;
    if (current == null) {
      return new RecordingUsage(memoryLimit, 0, 0, Optional.empty());
    }
    Recorder recorder = current.recorder();
    return new RecordingUsage(
        memoryLimit,
        recorder.bytesInMemory(),
        recorder.bytesSpilled(),
        Optional.ofNullable(recorder.spillFileIfAny()).map(SpillFile::path));
  }

  // ---- waiting ----

  /** Waits for the first connection and returns it. */
  public Connection awaitConnection() {
    return awaitConnections(1).get(0);
  }

  /** Waits until at least {@code count} connections were accepted; returns the first {@code count}. */
  public List<Connection> awaitConnections(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    List<Connection> accepted =
        Awaits.until(
            description() + " to accept " + (count == 1 ? "a connection" : count + " connections"),
            timeout,
            this::connections,
            all -> all.size() >= count,
            () -> {
              int n = connections().size();
              return "it accepted " + n + (isRunning() ? "" : " and is not running (call start() first)");
            });
    return accepted.subList(0, count);
  }

  /** Waits until some connection received bytes containing {@code expected}; returns it. */
  public Connection awaitReceived(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return awaitReceived(HexDump.quoted(expected), bytes -> bytes.contains(expected));
  }

  /** Waits until some connection received the UTF-8 encoding of {@code text}; returns it. */
  public Connection awaitReceived(String text) {
    Objects.requireNonNull(text, "text");
    return awaitReceived(Bytes.of(text));
  }

  /** Waits until some connection received a complete line equal to {@code line}; returns it. */
  public Connection awaitReceivedLine(String line) {
    Objects.requireNonNull(line, "line");
    return awaitReceived("the line \"" + line + "\"", bytes -> Connection.completeLines(bytes).contains(line));
  }

  /**
   * Waits until {@code condition} holds for the received bytes of some connection; returns the
   * first such connection.
   *
   * @param description the condition in words, for the failure message
   */
  public Connection awaitReceived(String description, Predicate<Bytes> condition) {
    Objects.requireNonNull(condition, "condition");
    Optional<Connection> found =
        Awaits.until(
            description() + " to receive " + description,
            timeout,
            () -> connections().stream().filter(c -> condition.test(c.received())).findFirst(),
            Optional::isPresent,
            this::describeReceived);
    return found.orElseThrow();
  }

  /** E.g. {@code TcpServer 'api'}. */
  final String description() {
    return kind() + " '" + name + "'";
  }

  private String describeReceived() {
    List<Connection> all = connections();
    if (all.isEmpty()) {
      return "it accepted no connection" + (isRunning() ? "" : " and is not running (call start() first)");
    }
    StringBuilder out = new StringBuilder("it received");
    for (Connection connection : all) {
      out.append("\n  on connection #").append(connection.index()).append(": ")
          .append(HexDump.describe(connection.received()));
    }
    return out.toString();
  }

  private List<Connection> currentConnections() {
    StreamEngine current = engine;
    return current == null ? List.of() : current.connections();
  }

  private String threadPrefix() {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return "sockpuppet-" + (safe.length() > 40 ? safe.substring(0, 40) : safe);
  }

  private void releaseQuietly() {
    try {
      release();
    } catch (IOException | RuntimeException e) {
      System.getLogger(StreamServer.class.getName()).log(System.Logger.Level.DEBUG, "cleanup after a failed start", e);
    }
  }

  @Override
  public String toString() {
    return description() + (isRunning() ? " at " + address() : "");
  }
}
