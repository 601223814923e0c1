package dev.sockpuppet.peer;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A scripted client that connects to a Unix-domain stream socket of the program under test (a
 * daemon's control socket) and records everything.
 *
 * <pre>{@code
 * try (UnixSocketPeer client = UnixSocketPeer.to(Path.of("/run/kv.sock"))
 *     .withScript(Script.create().sendLine("GET a").expectLine("VALUE 1"))
 *     .start()) {
 *   client.awaitFinished();
 * }
 * }</pre>
 *
 * <p>While the socket file does not exist yet or nothing accepts on it, {@link #start()} tries
 * again, for at most the peer's timeout. See {@link StreamPeer} for scripts and waiting.
 */
public final class UnixSocketPeer extends StreamPeer {
  /** The longest socket path Linux takes (sun_path is 108 bytes with its terminating NUL). */
  private static final int MAX_PATH_BYTES = 107;

  private final Path path;

  private UnixSocketPeer(Path path) {
    super("UnixSocketPeer", "unix-peer");
    this.path = path;
  }

  /**
   * A peer that connects to the socket at {@code path}.
   *
   * @throws IllegalArgumentException if the path is longer than a socket address can hold
   */
  public static UnixSocketPeer to(Path path) {
    Objects.requireNonNull(path, "path");
    int length = path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "the socket path " + path + " has " + length + " bytes; a Unix socket address holds at most "
              + MAX_PATH_BYTES + " (connect through a shorter path, e.g. a symbolic link)");
    }
    return new UnixSocketPeer(path);
  }

  /** The name used in messages, transcripts and thread names. */
  public UnixSocketPeer withName(String name) {
    core.name(name);
    return this;
  }

  /** How long connecting, each expect and every write wait (default 10 s). */
  public UnixSocketPeer withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public UnixSocketPeer withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** The conversation to play; replaces a handler or responder. */
  public UnixSocketPeer withScript(Script script) {
    configureScript(script);
    return this;
  }

  /** Plain code for the connection; replaces a script or responder. */
  public UnixSocketPeer withHandler(Handler handler) {
    configureHandler(handler);
    return this;
  }

  /** A canned behaviour for the connection (default: record only); replaces a script or handler. */
  public UnixSocketPeer withResponder(Responder responder) {
    configureResponder(responder);
    return this;
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public UnixSocketPeer withUnfinishedScriptsAllowed() {
    allowUnfinishedScripts();
    return this;
  }

  /**
   * Adds {@code fault} to the peer's connection, e.g. {@code withFault(Fault.slice(3,
   * Duration.ofMillis(1)))} to send in small pieces; see {@link Fault}.
   */
  public UnixSocketPeer withFault(Fault fault) {
    configureFaults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public UnixSocketPeer withFaults(Fault... faults) {
    configureFaults(faults);
    return this;
  }

  @Override
  public UnixSocketPeer start() {
    super.start();
    return this;
  }

  @Override
  public UnixSocketPeer awaitFinished() {
    super.awaitFinished();
    return this;
  }

  @Override
  public UnixSocketPeer awaitFinished(Duration timeout) {
    super.awaitFinished(timeout);
    return this;
  }

  /** The socket path this peer connects to. */
  public Path path() {
    return path;
  }

  @Override
  SocketChannel openChannel() throws IOException {
    return SocketChannel.open(StandardProtocolFamily.UNIX);
  }

  @Override
  SocketAddress target() {
    return UnixDomainSocketAddress.of(path);
  }

  @Override
  String targetDescription() {
    return path.toString();
  }
}
