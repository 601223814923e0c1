package dev.sockpuppet.stream;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.FakeServer;
import dev.sockpuppet.RecordingUsage;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.engine.Behaviour;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.ScriptBehaviour;
import dev.sockpuppet.internal.engine.StreamEngine;
import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What the connection-oriented fakes, {@link TcpServer} and {@link UnixSocketServer}, share: the
 * behaviour per connection, the recording, and the waits.
 *
 * <p>Every accepted connection is recorded as a {@link Connection} and played on a thread of its
 * own named after the server and the connection. The behaviour is a {@link Responder} (default:
 * {@link Responder#sink()}, record only), whose connections are read as their bytes arrive, a
 * {@link Handler} or a {@link Script}, whose connections are read when the handler or a step reads;
 * the last one configured wins. Scripts that do not finish fail {@code verify()}, unless the
 * server allows unfinished scripts.
 *
 * <p>Defaults: timeout 10 s (waits, handler reads, and every write: a write the program does not
 * take in time is a problem that resets the connection); in-memory recording limit 64 MiB per run,
 * past which bytes spill to a temporary file. See {@link dev.sockpuppet.Fake} for the lifecycle.
 * All methods are thread-safe.
 */
public abstract sealed class StreamServer implements FakeServer permits TcpServer, UnixSocketServer {
  /** How long waits last unless {@code withTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = FakeCore.DEFAULT_TIMEOUT;
  /** Bytes a recording keeps in memory unless {@code withMemoryLimit} says otherwise. */
  public static final long DEFAULT_MEMORY_LIMIT = FakeCore.DEFAULT_MEMORY_LIMIT;

  static {
    Access.setStreamCores(fake -> ((StreamServer) fake).core);
  }

  final FakeCore core;
  private volatile Responder responder = Responder.sink();
  private volatile Handler handler;
  /** Scripts in connection order, or null; with {@link #scriptForEvery}, exactly one. */
  private volatile List<Script> scripts;
  private volatile boolean scriptForEvery;
  private volatile boolean unfinishedScriptsAllowed;
  /** The next connection {@link #takeConnection()} hands out; per run. */
  private final AtomicInteger taken = new AtomicInteger();

  StreamServer(String kind, String defaultName) {
    this.core = new FakeCore(kind, defaultName);
  }

  /** Opens and binds the listening channel; runs inside start(). */
  abstract ServerSocketChannel bind() throws IOException;

  /** Options and credentials for each accepted channel. */
  abstract StreamEngine.ChannelSetup channelSetup();

  /** Removes what bind() left behind, such as socket files; runs after the channel closed. */
  abstract void release() throws IOException;

  /**
   * Whether the address may be bound again as soon as the fake stops (a fixed port), so that a
   * stop must release it before it returns instead of microseconds after.
   */
  boolean addressBoundAgainSoon() {
    return false;
  }

  // ---- configuration, for the with… methods of the concrete servers ----

  final void configureResponder(Responder responder) {
    Objects.requireNonNull(responder, "responder");
    core.requireNew("withResponder");
    this.responder = responder;
    this.handler = null;
    this.scripts = null;
  }

  final void configureHandler(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    core.requireNew("withHandler");
    this.handler = handler;
    this.responder = Responder.sink();
    this.scripts = null;
  }

  final void configureScripts(String method, boolean forEvery, Script first, Script... then) {
    Objects.requireNonNull(first, "script");
    List<Script> all = new ArrayList<>();
    all.add(first);
    for (Script next : then) {
      all.add(Objects.requireNonNull(next, "a script in " + method + "(…) is null"));
    }
    core.requireNew(method);
    this.scripts = List.copyOf(all);
    this.scriptForEvery = forEvery;
    this.handler = null;
    this.responder = Responder.sink();
  }

  final void allowUnfinishedScripts() {
    core.requireNew("withUnfinishedScriptsAllowed");
    this.unfinishedScriptsAllowed = true;
  }

  final void configureFaults(Fault... added) {
    core.faults(added);
  }

  /** A fresh behaviour for each run: a script's progress belongs to one run. */
  private Behaviour behaviour() {
    List<Script> configuredScripts = scripts;
    if (configuredScripts != null) {
      return new ScriptBehaviour(description(), configuredScripts, scriptForEvery, unfinishedScriptsAllowed);
    }
    Handler configured = handler;
    return configured != null ? Behaviour.of(configured) : Behaviour.of(responder);
  }

  // ---- lifecycle ----

  @Override
  public String name() {
    return core.name();
  }

  @Override
  public Duration timeout() {
    return core.timeout();
  }

  @Override
  public StreamServer start() {
    boolean started =
        core.start(this::bind, (channel, run) -> {
          StreamEngine engine =
              new StreamEngine(
                  Threads.prefix(name()), channel, run, timeout(), behaviour(), channelSetup(), addressBoundAgainSoon());
          engine.withFaults(core.faults());
          engine.start();
          return engine;
        }, this::release);
    if (started) {
      taken.set(0);
    }
    return this;
  }

  @Override
  public boolean isRunning() {
    return core.isRunning();
  }

  @Override
  public final void stop() {
    core.stop();
  }

  @Override
  public final void close() {
    core.close();
  }

  @Override
  public final void verify() {
    core.verify();
  }

  // ---- recording ----

  @Override
  public Traffic traffic() {
    return core.traffic();
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
    return core.traffic().usage();
  }

  // ---- waiting ----

  /** Waits for the first connection and returns it. */
  public Connection awaitConnection() {
    return awaitConnections(1).get(0);
  }

  /** Waits until at least {@code count} connections were accepted; returns the first {@code count}. */
  public List<Connection> awaitConnections(int count) {
    return Awaits.atLeast(count,
        description() + " to accept " + (count == 1 ? "a connection" : count + " connections"),
        timeout(), this::connections, () -> "it accepted " + connections().size() + notRunning());
  }

  /**
   * Waits for the next connection that this method has not handed out yet and returns it: each
   * call takes one, in accept order, like a queue ({@code MockWebServer.takeRequest()}, bounded).
   * A restart begins again at the first connection of the new run.
   */
  public Connection takeConnection() {
    return Awaits.next(taken, next -> description() + " to accept connection #" + next
        + " (the next one takeConnection() hands out)", timeout(), this::connections,
        () -> "it accepted " + connections().size() + notRunning());
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
    Optional<Connection> found =
        Awaits.until(
            description() + " to receive the line " + HexDump.quoted(Bytes.of(line)),
            timeout(),
            () -> connections().stream().filter(c -> ConnectionRecord.hasCompleteLine(c.received(), line)).findFirst(),
            Optional::isPresent,
            () -> describeReceived().stripTrailing() + nearestLine(line));
    return found.orElseThrow();
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
            timeout(),
            () -> connections().stream().filter(c -> condition.test(c.received())).findFirst(),
            Optional::isPresent,
            this::describeReceived);
    return found.orElseThrow();
  }

  /** Connections a failure lists at either end of a long list. */
  private static final int SHOWN_EACH_END = 5;

  /** E.g. {@code TcpServer 'api'}. */
  final String description() {
    return core.description();
  }

  private String notRunning() {
    return isRunning() ? "" : " and is not running (call start() first)";
  }

  private String describeReceived() {
    List<Connection> all = connections();
    if (all.isEmpty()) {
      return "it accepted no connection" + notRunning();
    }
    if (all.size() == 1) {
      return "on its only connection, #0, it received " + HexDump.describe(all.get(0).received());
    }
    StringBuilder out = new StringBuilder("it accepted ").append(all.size()).append(" connections; it received");
    for (int i = 0; i < all.size(); i++) {
      if (i == SHOWN_EACH_END && all.size() > 2 * SHOWN_EACH_END) {
        out.append("\n  … ").append(all.size() - 2 * SHOWN_EACH_END).append(" connections not shown");
        i = all.size() - SHOWN_EACH_END;
      }
      Bytes bytes = all.get(i).received();
      out.append("\n  on connection #").append(i).append(": ")
          .append(HexDump.summary(bytes));
    }
    return out.toString();
  }

  /** The line nearest to {@code line} over all connections, for a wait that found none. */
  private String nearestLine(String line) {
    String nearest = "";
    long best = -1;
    for (Connection connection : connections()) {
      Checks.NearLine near = Checks.nearLine(connection.received(), line);
      if (near != null && near.common() > best) {
        best = near.common();
        nearest = "\nnearest line, on connection #" + connection.index() + ": " + near.describe();
      }
    }
    return nearest;
  }

  @Override
  public String toString() {
    return description() + (isRunning() ? " at " + address() : "");
  }
}
