package dev.sockpuppet.fifo;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Fake;
import dev.sockpuppet.RecordingUsage;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.UnixSocketPaths;
import dev.sockpuppet.internal.UnixSocketPlace;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.NamedPipes;
import dev.sockpuppet.internal.engine.PeerEngine;
import dev.sockpuppet.internal.engine.Playbook;
import dev.sockpuppet.internal.engine.Threads;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What {@link FifoPair} and {@link Fifo} share: named pipes (FIFOs) in a private directory, made
 * when the fake starts and removed when it stops, carrying one recorded conversation with the
 * program under test, like a connection.
 *
 * <p><b>Never hangs.</b> Opening a named pipe blocks until the other end opens, and the program may
 * open its ends first, late, several times or never. The fake opens its ends on threads of its
 * own, so {@link #start()} returns at once, a send waits for the program to open the pipe it reads
 * for at most the timeout (then fails, saying so, with nothing on record as sent), and a stop ends
 * every open and read still waiting, bounded, whatever the program did.
 *
 * <p><b>Opening, closing and re-opening are recorded.</b> When the program opens a pipe, the
 * connection gets a {@link ConnectionEvent.Kind#PIPE_OPENED} event; when it closes the pipe it
 * writes, a {@link ConnectionEvent.Kind#PIPE_CLOSED} (the fake read end-of-file), and when it
 * writes again after that, another {@code PIPE_OPENED}: what it writes is all one recording. The
 * fake never lets go of its own end, so a program that opens, writes and closes in a moment loses
 * nothing; but a close and re-open that happen before the fake read what came before them show
 * as one session, so count on the bytes, not on the number of closes. The program may likewise
 * close and re-open the pipe it reads (a shell loop that runs {@code read line < pipe} each time)
 * without losing anything: the fake keeps the pipe's buffer alive with a reader of its own that
 * never reads. Only the first open of the pipe it reads is visible. What the program has not read
 * when the fake stops stays in the pipe for as long as the program holds it open, as bytes in a
 * socket's buffer outlive a close.
 *
 * <p><b>The conversation</b> is played by a {@link Script}, a {@link Handler} or a {@link
 * Responder} (default: record only), and the test may send itself ({@link #send}, {@link
 * #sendLine}, {@link #sendEof()}). Since end-of-file from the program is not the end (it may open
 * the pipe again), a script's {@code expectEof()} and a handler's {@code readToEnd()} wait until
 * the fake stops; {@link #awaitProgramClosed()} waits for the program's close instead.
 *
 * <p>Named pipes are made with {@code mkfifo(1)} (Linux, macOS); where that is missing, {@link
 * #start()} throws an {@link UnsupportedOperationException} that says so. Defaults: timeout 10 s,
 * pipes only their owner can open (0600, in a 0700 directory), in-memory recording limit 64 MiB.
 * All methods are thread-safe.
 *
 * @param <S> the concrete fake, which the {@code with…} methods return
 */
public abstract sealed class NamedPipeFake<S extends NamedPipeFake<S>> implements Fake permits FifoPair, Fifo {
  private static final Set<PosixFilePermission> OWNER_READ_WRITE = UnixSocketPlace.parsePermissions("rw-------");

  final FakeCore core;
  private final Playbook playbook;
  private volatile Path baseDirectory;
  private volatile Set<PosixFilePermission> permissions = OWNER_READ_WRITE;
  private volatile PeerEngine engine;
  private volatile Pipes pipes;

  NamedPipeFake(String kind, String defaultName) {
    this.core = new FakeCore(kind, defaultName);
    this.playbook = new Playbook(core);
  }

  /** The file name of the pipe the program reads, or null if there is none. */
  abstract String toProgramName();

  /** The file name of the pipe the program writes, or null if there is none. */
  abstract String fromProgramName();

  abstract S self();

  // ---- configuration ----

  /** The name used in messages, transcripts and thread names. */
  public S withName(String name) {
    core.name(name);
    return self();
  }

  /** How long a send waits for the program to open its end and to read, and each expect waits (default 10 s). */
  public S withTimeout(Duration timeout) {
    core.timeout(timeout);
    return self();
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public S withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return self();
  }

  /**
   * Makes the pipes' private directory under {@code base} instead of the default short temporary
   * directory; for a program that may only see part of the file system (a container's mount).
   */
  public S withBaseDirectory(Path base) {
    Objects.requireNonNull(base, "base");
    core.requireNew("withBaseDirectory");
    this.baseDirectory = base;
    return self();
  }

  /**
   * The pipes' permissions, e.g. {@code "rw-rw-rw-"} for a program that runs as another user
   * (default {@code "rw-------"}); the directory is opened up just enough to reach them.
   */
  public S withPermissions(String permissions) {
    Set<PosixFilePermission> parsed = UnixSocketPlace.parsePermissions(permissions);
    core.requireNew("withPermissions");
    this.permissions = parsed;
    return self();
  }

  /** The conversation to play; replaces a handler or responder. */
  public S withScript(Script script) {
    playbook.script(script);
    return self();
  }

  /** Plain code for the conversation; replaces a script or responder. */
  public S withHandler(Handler handler) {
    playbook.handler(handler);
    return self();
  }

  /** A canned behaviour (default: record only); replaces a script or handler. */
  public S withResponder(Responder responder) {
    playbook.responder(responder);
    return self();
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public S withUnfinishedScriptsAllowed() {
    playbook.allowUnfinishedScripts();
    return self();
  }

  /** Adds {@code fault} (latency, slicing, a close after N bytes…); see {@link Fault}. */
  public S withFault(Fault fault) {
    core.faults(fault);
    return self();
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public S withFaults(Fault... faults) {
    core.faults(faults);
    return self();
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
   * Makes the pipes and starts waiting for the program to open them; returns at once. Idempotent
   * while running; a restart makes fresh pipes with a fresh recording.
   *
   * @throws UnsupportedOperationException if named pipes cannot be made on this machine
   * @throws UncheckedIOException if the pipes or their directory could not be made
   */
  @Override
  public S start() {
    core.start(
        this::makePipes,
        (made, run) -> {
          PeerEngine started = NamedPipes.play(
              Threads.prefix(name()), made.toProgram, made.fromProgram, new PipeAddress(made.toProgram, made.fromProgram),
              core.description() + " only reads what the program writes to " + made.fromProgram
                  + "; it has no pipe to send on",
              timeout(), run, playbook.behaviour(), playbook.wrapper());
          engine = started;
          pipes = made;
          return started::stop;
        },
        () -> {
          Pipes made = pipes;
          if (made != null) {
            made.remove();
          }
        });
    return self();
  }

  private Pipes makePipes() throws IOException {
    Path base = baseDirectory;
    Path directory = base == null ? UnixSocketPaths.createPrivateDirectory() : UnixSocketPaths.createPrivateDirectory(base);
    Pipes made = new Pipes(directory, path(directory, toProgramName()), path(directory, fromProgramName()));
    pipes = made;
    try {
      for (Path pipe : made.files()) {
        NamedPipes.create(pipe, timeout());
        Files.setPosixFilePermissions(pipe, permissions);
      }
      if (!permissions.equals(OWNER_READ_WRITE)) {
        UnixSocketPaths.openDirectoryFor(directory, permissions);
      }
    } catch (IOException | RuntimeException e) {
      made.remove();
      throw e;
    }
    return made;
  }

  private static Path path(Path directory, String name) {
    return name == null ? null : directory.resolve(name);
  }

  @Override
  public boolean isRunning() {
    return core.isRunning();
  }

  /**
   * Stops: closes the pipes (the program reads end-of-file, or a broken pipe when it writes),
   * ends every wait for the program, removes the pipes and their directory, and verifies.
   */
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

  // ---- where the pipes are ----

  /** The current (or last) run's pipes. */
  final Pipes pipes(String accessor) {
    core.requireStarted(accessor);
    return pipes;
  }

  // ---- sending ----

  /**
   * Sends {@code bytes} to the program: waits, at most the timeout, until the program opened the
   * pipe it reads and took them into the pipe; recorded once they are in it.
   *
   * @throws UncheckedIOException if the program did not open the pipe in time (nothing was sent),
   *     or the write failed or stalled (the recording says how far it got)
   */
  public S send(Bytes bytes) {
    running("send").send(core, bytes);
    return self();
  }

  /** Sends {@code text} in UTF-8; see {@link #send(Bytes)}. */
  public S send(String text) {
    return send(Bytes.of(text));
  }

  /** Sends {@code line} and a line feed; see {@link #send(Bytes)}. */
  public S sendLine(String line) {
    return send(line + "\n");
  }

  /**
   * Closes the fake's end of the pipe the program reads: once it read what is in the pipe, the
   * program reads end-of-file. Nothing can be sent after it in this run.
   */
  public S sendEof() {
    running("sendEof").sendEof(core);
    return self();
  }

  private PeerEngine running(String method) {
    core.requireRunning(method);
    return engine;
  }

  // ---- the recording ----

  /** The conversation of the current (or last) run. */
  public Connection connection() {
    core.requireStarted("connection");
    return engine.record();
  }

  @Override
  public Traffic traffic() {
    return core.traffic();
  }

  /** How much of the recording is in memory and how much spilled to its file. */
  public RecordingUsage recordingUsage() {
    return core.traffic().usage();
  }

  /** Everything the program wrote so far in this run, across its opens. */
  public Bytes received() {
    return connection().received();
  }

  /** Everything sent to the program so far in this run. */
  public Bytes sent() {
    return connection().sent();
  }

  /** Waits, at most the timeout, until the program wrote {@code expected} (anywhere in what it wrote). */
  public S awaitReceived(Bytes expected) {
    connection().awaitReceived(expected);
    return self();
  }

  /** Waits until the program wrote {@code text} (UTF-8). */
  public S awaitReceived(String text) {
    connection().awaitReceived(text);
    return self();
  }

  /** Waits until the program wrote the whole line {@code line} (LF or CRLF terminated). */
  public S awaitReceivedLine(String line) {
    connection().awaitReceivedLine(line);
    return self();
  }

  /** Waits until what the program wrote satisfies {@code condition}, described in a failure as {@code description}. */
  public S awaitReceived(String description, Predicate<Bytes> condition) {
    connection().awaitReceived(description, condition);
    return self();
  }

  /** Waits, at most the timeout, until the program opened the pipe it writes (or, for a one-way pipe it reads, that one). */
  public S awaitProgramOpened() {
    awaitEvents(ConnectionEvent.Kind.PIPE_OPENED, 1, "to open its pipe");
    return self();
  }

  /**
   * Waits, at most the timeout, until the program closed the pipe it writes (the fake read
   * end-of-file); {@code count} times in all since the start, for a program that opens and closes
   * it repeatedly.
   */
  public S awaitProgramClosed(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    awaitEvents(ConnectionEvent.Kind.PIPE_CLOSED, count, count == 1 ? "to close its pipe" : "to close its pipe " + count + " times");
    return self();
  }

  /** {@link #awaitProgramClosed(int) awaitProgramClosed(1)}. */
  public S awaitProgramClosed() {
    return awaitProgramClosed(1);
  }

  private void awaitEvents(ConnectionEvent.Kind kind, int count, String what) {
    Connection connection = connection();
    Awaits.until(
        "the program behind " + core.description() + " " + what,
        timeout(),
        () -> connection.events().stream().filter(event -> event.kind() == kind).count(),
        seen -> seen >= count,
        () -> "its events were " + connection.events());
  }

  /**
   * Waits, at most the timeout, until the script (or handler) has ended, then {@linkplain #verify()
   * verifies}: throws the step that failed, or the steps left if it did not finish.
   */
  public S awaitFinished() {
    return awaitFinished(timeout());
  }

  /** {@link #awaitFinished()}, waiting at most {@code timeout}. */
  public S awaitFinished(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    core.requireStarted("awaitFinished");
    engine.awaitFinished(core, timeout);
    return self();
  }

  /** E.g. {@code FifoPair 'control'}. */
  final String description() {
    return core.description();
  }

  /** A run's pipes and their directory; removed when the run ends. */
  static final class Pipes implements Closeable {
    final Path directory;
    final Path toProgram;
    final Path fromProgram;

    Pipes(Path directory, Path toProgram, Path fromProgram) {
      this.directory = directory;
      this.toProgram = toProgram;
      this.fromProgram = fromProgram;
    }

    List<Path> files() {
      List<Path> files = new ArrayList<>(2);
      if (toProgram != null) {
        files.add(toProgram);
      }
      if (fromProgram != null) {
        files.add(fromProgram);
      }
      return files;
    }

    /** The pipes stay until {@link #remove()}; closing the bound "channel" holds nothing. */
    @Override
    public void close() {}

    void remove() throws IOException {
      for (Path pipe : files()) {
        Files.deleteIfExists(pipe);
      }
      Files.deleteIfExists(directory);
    }
  }
}
