package dev.sockpuppet.peer;

import dev.sockpuppet.Connection;
import dev.sockpuppet.Fake;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.PeerEngine;
import dev.sockpuppet.internal.engine.Playbook;
import dev.sockpuppet.internal.engine.Threads;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * What the client peers, {@link TcpPeer} and {@link UnixSocketPeer}, share: a fake that connects
 * to the program under test when it {@linkplain #start() starts}, plays a {@link Script} (or a
 * {@link Handler} or {@link Responder}) on that one connection, and records it like a server's.
 *
 * <pre>{@code
 * try (UnixSocketPeer client = UnixSocketPeer.to(socketPath)
 *     .withScript(Script.create().sendLine("SET a 1").expectLine("OK").sendLine("GET a").expectLine("1"))
 *     .start()) {
 *   client.awaitFinished();   // throws the failed step, or the steps left undone
 * }
 * }</pre>
 *
 * <p>{@link #start()} connects, and while nothing accepts yet (the program is still starting) it
 * tries again, for at most the peer's timeout; then the script runs on a thread of its own, named
 * after the peer. Several peers may run at once, each with a name of its own, to put a server under
 * concurrent clients. When the script ends, the peer takes in what already arrived and closes the
 * connection. A restart connects again with a fresh recording. Faults ({@code withFault}) work on
 * a peer's connection as on a server's: towards the program is what the peer sends.
 *
 * <p>Defaults: timeout 10 s (connecting, each expect, every write); in-memory recording limit 64
 * MiB. All methods are thread-safe.
 */
public abstract sealed class StreamPeer implements Fake permits TcpPeer, UnixSocketPeer {
  final FakeCore core;
  private final Playbook playbook;
  private volatile PeerEngine engine;

  StreamPeer(String kind, String defaultName) {
    this.core = new FakeCore(kind, defaultName);
    this.playbook = new Playbook(core);
  }

  /** An unconnected channel of the target's protocol family. */
  abstract SocketChannel openChannel() throws IOException;

  /** The address to connect to. */
  abstract SocketAddress target();

  /** The address in words, e.g. {@code 127.0.0.1:8080} or a socket path. */
  abstract String targetDescription();

  // ---- configuration, for the with… methods of the concrete peers ----

  final void configureScript(Script script) {
    playbook.script(script);
  }

  final void configureHandler(Handler handler) {
    playbook.handler(handler);
  }

  final void configureResponder(Responder responder) {
    playbook.responder(responder);
  }

  final void allowUnfinishedScripts() {
    playbook.allowUnfinishedScripts();
  }

  final void configureFaults(Fault... added) {
    core.faults(added);
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

  /**
   * Connects to the program, retrying for at most the timeout while nothing accepts there yet, and
   * starts the script; idempotent while running.
   *
   * @throws java.io.UncheckedIOException if no connection came about in time, naming the address
   *     and the last error
   */
  @Override
  public StreamPeer start() {
    core.start(run -> {
      engine = PeerEngine.connect(
          Threads.prefix(name()) + "-peer", this::openChannel, target(), targetDescription(), timeout(), run,
          playbook.behaviour(), playbook.wrapper());
      return engine;
    });
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

  // ---- the connection ----

  /** The connection of the current (or last) run. */
  public Connection connection() {
    core.requireStarted("connection");
    return engine.record();
  }

  @Override
  public Traffic traffic() {
    return core.traffic();
  }

  /**
   * Waits, at most the peer's timeout, until the script (or handler) has ended, then {@linkplain
   * #verify() verifies}: throws the step that failed, or the steps left if it did not finish.
   */
  public StreamPeer awaitFinished() {
    return awaitFinished(timeout());
  }

  /** {@link #awaitFinished()}, waiting at most {@code timeout}. */
  public StreamPeer awaitFinished(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    core.requireStarted("awaitFinished");
    engine.awaitFinished(core, timeout);
    return this;
  }

  /** E.g. {@code TcpPeer 'client'}. */
  final String description() {
    return core.description();
  }

  @Override
  public String toString() {
    return description() + " to " + targetDescription();
  }
}
