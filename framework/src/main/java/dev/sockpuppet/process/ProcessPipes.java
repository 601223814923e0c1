package dev.sockpuppet.process;

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
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.Playbook;
import dev.sockpuppet.internal.engine.ProcessStdio;
import dev.sockpuppet.internal.engine.Threads;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * A program started from a test with its standard streams on record: what the fake sends goes to
 * the program's stdin, what it writes to stdout and stderr is recorded, awaited and asserted, and
 * its exit code is there to check. The anonymous pipes of {@code ls | less}, with the test at one
 * end.
 *
 * <pre>{@code
 * try (ProcessPipes sort = ProcessPipes.create("sort").start()) {
 *   sort.sendLine("pear").sendLine("apple").sendEof();
 *   assertEquals(0, sort.awaitExit());
 *   assertThat(sort).receivedExactly("apple\npear\n");
 * }
 * }</pre>
 *
 * <p><b>The recording.</b> Connection #0 ({@link #connection()}) is stdin and stdout: sent is what
 * reached the program's stdin, received is what it wrote to stdout. Connection #1 ({@link
 * #stderr()}) holds stderr as received bytes. Each starts with a {@link
 * ConnectionEvent.Kind#PIPE_OPENED} event naming the command and its pid; connection #0 gets a
 * {@link ConnectionEvent.Kind#PROCESS_EXITED} event with the exit code when the process exits, so
 * the {@linkplain Traffic#transcript() transcript} tells the whole story. {@link
 * dev.sockpuppet.SocketAssertions#assertThat(ProcessPipes)} asserts on connection #0.
 *
 * <p><b>The conversation</b> on stdin and stdout is played by a {@link Script}, a {@link Handler}
 * or a {@link Responder} (default: record only), and the test may send itself ({@link #send},
 * {@link #sendLine}, {@link #sendEof()}). As with a socket, the conversation ends when the program
 * ends its stdout (it exited, usually) or the script or handler ends: the fake then closes stdin
 * and stops reading stdout. Writes are exact: a byte is on record as sent once it is in the pipe;
 * a program that exits while the fake sends makes the send fail with a broken pipe, and the bytes
 * that did not go are recorded as {@link ConnectionEvent.Kind#UNDELIVERED}. A program that stops
 * reading holds a send for at most the timeout; then the send fails, saying so.
 *
 * <p><b>Exiting</b> with any code is not a problem of the fake: {@link #awaitExit()} returns the
 * code for the test to check. <b>Stopping</b> (also {@link #close()}) is bounded whatever the
 * program does: it closes stdin (the program reads end-of-file) and waits up to the {@linkplain
 * #withStopGracePeriod grace period} for the process to exit; then it sends it and its descendants
 * SIGTERM, half a second later SIGKILL, and reaps it. A process that survives SIGKILL is a problem
 * that {@link #stop()} reports. Descendants that left the process's tree before the stop (a
 * daemon that forked away) are beyond its reach.
 *
 * <p><b>Threads.</b> Two threads read stdout and stderr into bounded queues, two more play the
 * connections; a stop joins them all. Every failure on them is a problem that {@link #verify()}
 * reports.
 *
 * <p>The standard streams are connected through named pipes in a private directory, removed as
 * soon as the program runs (see {@code docs/PROCESS.md} for why), so this needs {@code mkfifo(1)}:
 * Linux or macOS. Defaults: timeout 10 s, stop grace period 500 ms, in-memory recording limit 64
 * MiB, the test's working directory and environment. All methods are thread-safe.
 */
public final class ProcessPipes implements Fake {
  private static final Duration DEFAULT_STOP_GRACE = Duration.ofMillis(500);

  private final FakeCore core;
  private final Playbook playbook;
  private final List<String> command;
  private volatile Path workingDirectory;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private volatile Duration stopGrace = DEFAULT_STOP_GRACE;
  private volatile ProcessStdio stdio;

  private ProcessPipes(List<String> command) {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program to run, e.g. create(\"sort\", \"-r\")");
    }
    for (String part : command) {
      Objects.requireNonNull(part, "a part of the command is null: " + command);
    }
    this.command = List.copyOf(command);
    this.core = new FakeCore("ProcessPipes", defaultName(this.command.get(0)));
    this.playbook = new Playbook(core);
  }

  /** A process that will run {@code command} (the program, then its arguments), not started yet. */
  public static ProcessPipes create(List<String> command) {
    return new ProcessPipes(command);
  }

  /** {@link #create(List)} with the program and its arguments, e.g. {@code create("tr", "a-z", "A-Z")}. */
  public static ProcessPipes create(String... command) {
    return new ProcessPipes(List.of(command));
  }

  private static String defaultName(String program) {
    String name = Path.of(program).getFileName() == null ? program : Path.of(program).getFileName().toString();
    return name.isBlank() ? "process" : name;
  }

  // ---- configuration ----

  /** The name used in messages, transcripts and thread names (default: the program's file name). */
  public ProcessPipes withName(String name) {
    core.name(name);
    return this;
  }

  /**
   * How long a send waits for the program to take the bytes, each expect waits, and {@link
   * #awaitExit()} waits (default 10 s).
   */
  public ProcessPipes withTimeout(Duration timeout) {
    core.timeout(timeout);
    return this;
  }

  /** Bytes the recording keeps in memory before it spills to a temporary file (default 64 MiB). */
  public ProcessPipes withMemoryLimit(long bytes) {
    core.memoryLimit(bytes);
    return this;
  }

  /** The directory the program runs in (default: the test's own). */
  public ProcessPipes withWorkingDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    core.requireNew("withWorkingDirectory");
    this.workingDirectory = directory;
    return this;
  }

  /** Sets an environment variable of the program, which otherwise inherits the test's environment. */
  public ProcessPipes withEnvironment(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "an environment variable's name must be non-empty without '=' or NUL, and its value without NUL: " + name);
    }
    core.requireNew("withEnvironment");
    synchronized (environment) {
      environment.put(name, value);
    }
    return this;
  }

  /**
   * How long a stop waits for the program to exit after closing its stdin, before it sends SIGTERM
   * (default 500 ms); zero sends SIGTERM at once.
   */
  public ProcessPipes withStopGracePeriod(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the stop grace period must not be negative, got " + grace);
    }
    core.requireNew("withStopGracePeriod");
    this.stopGrace = grace;
    return this;
  }

  /** The conversation to play on stdin and stdout; replaces a handler or responder. */
  public ProcessPipes withScript(Script script) {
    playbook.script(script);
    return this;
  }

  /** Plain code for the conversation on stdin and stdout; replaces a script or responder. */
  public ProcessPipes withHandler(Handler handler) {
    playbook.handler(handler);
    return this;
  }

  /** A canned behaviour for stdout, answered on stdin (default: record only); replaces a script or handler. */
  public ProcessPipes withResponder(Responder responder) {
    playbook.responder(responder);
    return this;
  }

  /** Lets {@code verify()} pass although the script did not finish. */
  public ProcessPipes withUnfinishedScriptsAllowed() {
    playbook.allowUnfinishedScripts();
    return this;
  }

  /** Adds {@code fault} (latency, slicing…) on stdin and stdout; see {@link Fault}. */
  public ProcessPipes withFault(Fault fault) {
    core.faults(fault);
    return this;
  }

  /** Adds every one of {@code faults}; see {@link #withFault(Fault)}. */
  public ProcessPipes withFaults(Fault... faults) {
    core.faults(faults);
    return this;
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

  /** The program and its arguments. */
  public List<String> command() {
    return command;
  }

  /**
   * Starts the process with its standard streams on record; returns once it runs. Idempotent while
   * running; a restart starts a fresh process with a fresh recording.
   *
   * @throws UncheckedIOException if the command cannot be run (not installed, not executable, a
   *     missing working directory), with the command and the reason
   * @throws UnsupportedOperationException if named pipes cannot be made on this machine
   */
  @Override
  public ProcessPipes start() {
    core.start(run -> {
      ProcessBuilder builder = new ProcessBuilder(command);
      Path directory = workingDirectory;
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      synchronized (environment) {
        builder.environment().putAll(environment);
      }
      ProcessStdio started = ProcessStdio.start(
          builder, Threads.prefix(name()), timeout(), stopGrace, run, playbook.behaviour(), playbook.wrapper());
      stdio = started;
      return started;
    });
    return this;
  }

  @Override
  public boolean isRunning() {
    return core.isRunning();
  }

  /**
   * Stops: closes stdin, lets the program exit within the grace period or kills it and its
   * descendants, reaps it, closes the pipes, joins the threads, and verifies. Bounded.
   */
  @Override
  public void stop() {
    core.stop();
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public void verify() {
    core.verify();
  }

  // ---- the process ----

  /** The process of the current (or last) run. */
  private ProcessStdio stdio(String accessor) {
    core.requireStarted(accessor);
    return stdio;
  }

  /** The process's id in the current (or last) run. */
  public long pid() {
    return stdio("pid").process().pid();
  }

  /** The process of the current (or last) run, to look at (its children, its command line) or signal. */
  public ProcessHandle processHandle() {
    return stdio("processHandle").process().toHandle();
  }

  /** The exit code, once the process of the current (or last) run exited; empty while it runs. */
  public OptionalInt exitCode() {
    return stdio("exitCode").exitCode();
  }

  /**
   * Waits, at most the timeout, until the process exits and everything it wrote to stdout and
   * stderr is on record; returns its exit code. Any code is fine here: assert it.
   *
   * @throws org.opentest4j.AssertionFailedError if it does not exit in time, with what it wrote so
   *     far; or if it exited but a child still holds its stdout or stderr open
   */
  public int awaitExit() {
    return awaitExit(timeout());
  }

  /** {@link #awaitExit()}, waiting at most {@code timeout}. */
  public int awaitExit(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    return stdio("awaitExit").awaitExit(timeout);
  }

  // ---- sending to stdin ----

  /**
   * Sends {@code bytes} to the program's stdin: waits, at most the timeout, until they are all in
   * the pipe; recorded as sent as far as they got there.
   *
   * @throws UncheckedIOException if the program exited (a broken pipe) or did not read in time
   */
  public ProcessPipes send(Bytes bytes) {
    running("send").stdio().send(core, bytes);
    return this;
  }

  /** Sends {@code text} in UTF-8; see {@link #send(Bytes)}. */
  public ProcessPipes send(String text) {
    return send(Bytes.of(text));
  }

  /** Sends {@code line} and a line feed; see {@link #send(Bytes)}. */
  public ProcessPipes sendLine(String line) {
    return send(line + "\n");
  }

  /** Closes the program's stdin: it reads end-of-file once it took what is in the pipe. */
  public ProcessPipes sendEof() {
    running("sendEof").stdio().sendEof(core);
    return this;
  }

  private ProcessStdio running(String method) {
    core.requireRunning(method);
    return stdio;
  }

  // ---- the recording ----

  /** Connection #0 of the current (or last) run: stdin as sent, stdout as received. */
  public Connection connection() {
    return stdio("connection").stdio().record();
  }

  /** Connection #1 of the current (or last) run: stderr as received. */
  public Connection stderr() {
    return stdio("stderr").stderr().record();
  }

  @Override
  public Traffic traffic() {
    return core.traffic();
  }

  /** How much of the recording is in memory and how much spilled to its file. */
  public RecordingUsage recordingUsage() {
    return core.traffic().usage();
  }

  /** Everything the program wrote to stdout so far. */
  public Bytes received() {
    return connection().received();
  }

  /** Everything that reached the program's stdin so far. */
  public Bytes sent() {
    return connection().sent();
  }

  /** Waits, at most the timeout, until the program wrote {@code expected} to stdout. */
  public ProcessPipes awaitReceived(Bytes expected) {
    connection().awaitReceived(expected);
    return this;
  }

  /** Waits until the program wrote {@code text} (UTF-8) to stdout. */
  public ProcessPipes awaitReceived(String text) {
    connection().awaitReceived(text);
    return this;
  }

  /** Waits until the program wrote the whole line {@code line} to stdout. */
  public ProcessPipes awaitReceivedLine(String line) {
    connection().awaitReceivedLine(line);
    return this;
  }

  /** Waits until the program's stdout satisfies {@code condition}, described in a failure as {@code description}. */
  public ProcessPipes awaitReceived(String description, Predicate<Bytes> condition) {
    connection().awaitReceived(description, condition);
    return this;
  }

  /** Waits, at most the timeout, until the program wrote {@code text} (UTF-8) to stderr. */
  public ProcessPipes awaitStderr(String text) {
    stderr().awaitReceived(text);
    return this;
  }

  /** Waits until the program wrote the whole line {@code line} to stderr. */
  public ProcessPipes awaitStderrLine(String line) {
    stderr().awaitReceivedLine(line);
    return this;
  }

  /**
   * Waits, at most the timeout, until the script (or handler) has ended, then {@linkplain #verify()
   * verifies}: throws the step that failed, or the steps left if it did not finish.
   */
  public ProcessPipes awaitFinished() {
    return awaitFinished(timeout());
  }

  /** {@link #awaitFinished()}, waiting at most {@code timeout}. */
  public ProcessPipes awaitFinished(Duration timeout) {
    Durations.requirePositive(timeout, "timeout");
    stdio("awaitFinished").stdio().awaitFinished(core, timeout);
    return this;
  }

  /** E.g. {@code ProcessPipes 'sort' (`sort -r`, pid 1234)}. */
  @Override
  public String toString() {
    ProcessStdio current = stdio;
    return core.description() + (current == null ? " (`" + String.join(" ", command) + "`, not started)"
        : " (" + current.describe() + (isRunning() ? ")" : ", stopped)"));
  }
}
