package dev.sockpuppet.internal.engine;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.UnixSocketPaths;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process started with its standard streams on record: stdin and stdout are one connection
 * (what the fake sends goes to stdin, what the program writes to stdout is received), stderr is a
 * second, receive-only one. Both run on the {@link PipeInput}/{@link PipeOutput} halves and {@link
 * PeerEngine#play} like a FIFO pair.
 *
 * <p><b>Why named pipes, when a process has anonymous ones.</b> The JDK's {@code
 * Process.getOutputStream()} is a {@code BufferedOutputStream} whose {@code close()} flushes under
 * the lock a blocked {@code write} holds: while the program does not read its stdin, closing the
 * stream blocks until the program dies, so neither the {@link IoWatchdog} nor a stop could end a
 * stalled write (the watchdog, shared by the JVM, would hang with it). A {@link FileChannel}
 * wakes a blocked read or write when it is closed. So the streams are redirected to three named
 * pipes in a private directory, which the fake opens as file channels on threads of its own while
 * the JDK opens the other ends for the child; once the child runs, the pipes' names are removed,
 * and what is left are pipes only the fake and the process hold, as with {@code ls | less}.
 * This needs {@code mkfifo(1)} (Linux, macOS).
 *
 * <p><b>Stopping</b> is bounded whatever the process does: stdin is closed (the program reads
 * end-of-file) and the process gets a grace period to exit; then it and its descendants get
 * SIGTERM, then SIGKILL, and the process is reaped; a process still alive after that is a problem
 * of the fake. Then both connections close (a blocked read or write wakes) and their threads are
 * joined. Exiting with any code is not a problem: the test asserts it.
 */
public final class ProcessStdio implements FakeCore.Running {
  /** How long the stop waits after SIGTERM before SIGKILL. */
  static final Duration TERM_GRACE = Duration.ofMillis(500);

  private final Process process;
  private final String described;
  private final PeerEngine stdio;
  /** The stdin/stdout pipes themselves, under any faults: the stop closes stdin there. */
  private final PipeTransport stdioTransport;
  private final PeerEngine stderr;
  private final Problems problems;
  private final Duration stopGrace;
  private final AtomicBoolean exitRecorded = new AtomicBoolean();
  /** What the stop did to end the process, for the exit event; null if it exited by itself. */
  private volatile String killedBy;

  private ProcessStdio(
      Process process,
      String described,
      PeerEngine stdio,
      PipeTransport stdioTransport,
      PeerEngine stderr,
      Problems problems,
      Duration stopGrace) {
    this.process = process;
    this.described = described;
    this.stdio = stdio;
    this.stdioTransport = stdioTransport;
    this.stderr = stderr;
    this.problems = problems;
    this.stopGrace = stopGrace;
  }

  /**
   * Starts {@code builder}'s command with its standard streams on record in {@code run}: connection
   * #0 is stdin and stdout, played by {@code behaviour}; connection #1 is stderr, recorded only.
   * Leaves nothing behind when it fails.
   *
   * @param builder the command, working directory and environment; its redirects are replaced
   * @param stopGrace how long a stop waits for the process to exit after closing its stdin
   * @throws IOException if the command cannot be run (the message names it) or the pipes cannot be made
   */
  public static ProcessStdio start(
      ProcessBuilder builder,
      String threadPrefix,
      Duration timeout,
      Duration stopGrace,
      FakeCore.Run run,
      Behaviour behaviour,
      PeerEngine.TransportWrapper wrap)
      throws IOException {
    String command = String.join(" ", builder.command());
    Path directory = UnixSocketPaths.createPrivateDirectory();
    Path in = directory.resolve("stdin");
    Path out = directory.resolve("stdout");
    Path err = directory.resolve("stderr");
    List<Path> files = List.of(in, out, err);
    List<Runnable> undo = new ArrayList<>();
    undo.add(() -> removeQuietly(files, directory));
    try {
      NamedPipes.create(files, timeout);
      ConnectionRecord stdioRecord = run.traffic().openConnection(null, null, null);
      ConnectionRecord stderrRecord = run.traffic().openConnection(null, null, null);
      PipeInput stdout = input(threadPrefix + "-stdout", out, "stdout of `" + command + "`");
      undo.add(0, stdout::close);
      PipeInput errors = input(threadPrefix + "-stderr", err, "stderr of `" + command + "`");
      undo.add(0, errors::close);
      PipeOutput stdin = output(threadPrefix + "-stdin", in, "stdin of `" + command + "`");
      undo.add(0, stdin::close);
      // The JDK opens the pipes for the child in this thread; each open returns once the fake's
      // thread opened the other end, which it does at once.
      Process process;
      try {
        process = builder.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      } catch (IOException e) {
        throw new IOException("cannot run `" + command + "`: " + e.getMessage()
            + (isNotFound(e) ? " (is it installed, and on the PATH?)" : ""), e);
      }
      undo.add(0, () -> killNow(process));
      removeQuietly(files, directory);
      String who = "`" + command + "`, pid " + process.pid();
      stdioRecord.event(Kind.PIPE_OPENED, Side.PEER, "stdin and stdout of " + who);
      stderrRecord.event(Kind.PIPE_OPENED, Side.PEER, "stderr of " + who);
      PipeTransport stdioTransport = PipeTransport.of(stdout, stdin, null);
      PeerEngine stdioEngine = PeerEngine.play(
          threadPrefix + "-stdio", stdioRecord, stdioTransport, stdioTransport.threads(), timeout, run, behaviour, wrap);
      undo.add(0, stdioEngine::stop);
      PipeTransport stderrTransport = PipeTransport.of(errors, null,
          "stderr is the program's output; send to its stdin, on connection #0");
      PeerEngine stderrEngine = PeerEngine.play(
          threadPrefix + "-stderr-rec", stderrRecord, stderrTransport, stderrTransport.threads(), timeout, run,
          Behaviour.of(Responder.sink()), PeerEngine.TransportWrapper.NONE);
      ProcessStdio started = new ProcessStdio(process, who, stdioEngine, stdioTransport, stderrEngine, run.problems(), stopGrace);
      process.onExit().whenComplete((exited, failure) -> started.recordExit());
      return started;
    } catch (IOException | RuntimeException | Error e) {
      undo.forEach(Runnable::run);
      throw e;
    }
  }

  /**
   * Whether the JDK could not start a program because it does not exist (ENOENT): JDK 17 says
   * "error=2, No such file or directory", JDK 25 "Exec failed, error: 2 (No such file or directory)".
   */
  private static boolean isNotFound(IOException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("error=2,") || message.contains("error: 2 ");
  }

  /** The process. */
  public Process process() {
    return process;
  }

  /** E.g. {@code `sort -r`, pid 1234}. */
  public String describe() {
    return described;
  }

  /** Connection #0: stdin (sent) and stdout (received). */
  public PeerEngine stdio() {
    return stdio;
  }

  /** Connection #1: stderr (received). */
  public PeerEngine stderr() {
    return stderr;
  }

  /** The exit code, once the process exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /**
   * Waits up to {@code timeout} for the process to exit, and then, within the same time, for its
   * stdout and stderr to end, so that everything it wrote is on record.
   *
   * @return the exit code
   * @throws org.opentest4j.AssertionFailedError if it did not exit, or an output did not end, in
   *     time; with what it wrote so far
   */
  public int awaitExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Awaits.until(described + " to exit", timeout, () -> !process.isAlive(), exited -> exited,
        () -> "it is still running; " + writtenSoFar());
    recordExit();
    for (PeerEngine engine : List.of(stdio, stderr)) {
      ConnectionRecord record = engine.record();
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      Awaits.until(record + " to reach the end of what " + described + " wrote there", left,
          () -> record.inputEnded() || engine.finished(), ended -> ended,
          () -> "the process exited with code " + process.exitValue() + ", but the pipe is still open: a child of"
              + " the process may hold it, or the script or handler did not read it to its end; " + writtenSoFar());
    }
    return process.exitValue();
  }

  private String writtenSoFar() {
    return "stdout so far: " + HexDump.describe(stdio.record().received())
        + "; stderr so far: " + HexDump.describe(stderr.record().received());
  }

  /**
   * Records the exit on connection #0, once; the detail says how the process ended. Synchronized:
   * the process's exit callback and the stop both call it, and the one that comes second must not
   * return before the first has put the event on record (a stop that did so let a test read the
   * events without the exit).
   */
  private synchronized void recordExit() {
    try {
      if (process.isAlive() || !exitRecorded.compareAndSet(false, true)) {
        return;
      }
      String by = killedBy;
      stdio.record().event(Kind.PROCESS_EXITED, Side.PEER,
          "exit code " + process.exitValue() + (by == null ? "" : ", after the fake's stop sent it " + by));
    } catch (Throwable e) {
      problems.add("recording the exit of " + described + " failed", e);
    }
  }

  @Override
  public void stop() {
    List<ProcessHandle> descendants = List.of();
    try {
      descendants = process.descendants().toList();
      if (process.isAlive()) {
        closeStdin();
        if (!process.waitFor(stopGrace.toNanos(), TimeUnit.NANOSECONDS)) {
          terminate();
        }
      }
      recordExit();
      endDescendants(descendants);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killNow(process);
      problems.add("the stop of " + described + " was interrupted; the process was sent SIGKILL", e);
    } catch (Throwable e) {
      killNow(process);
      problems.add("stopping " + described + " failed", e);
    } finally {
      try {
        stdio.stop();
      } finally {
        stderr.stop();
      }
    }
  }

  private void closeStdin() {
    ConnectionRecord record = stdio.record();
    if (record.outputEndedBecause() == null) {
      record.event(Kind.HALF_CLOSED, Side.FAKE, "the fake stops: stdin closed");
    }
    // The transport's own end, not the connection's: a write blocked on a full pipe holds the
    // connection's write lock, and closing the pipe is what wakes it.
    stdioTransport.shutdownOutput();
  }

  /** SIGTERM, then SIGKILL, then reaping, to the process and its descendants, bounded. */
  private void terminate() throws InterruptedException {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    killedBy = "SIGTERM";
    process.destroy();
    family.forEach(ProcessHandle::destroy);
    if (process.waitFor(TERM_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
      return;
    }
    killedBy = "SIGTERM, then SIGKILL";
    process.destroyForcibly();
    family.forEach(ProcessHandle::destroyForcibly);
    if (!process.waitFor(Joiner.GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
      problems.add(described + " was still alive " + Durations.describe(Joiner.GRACE)
          + " after SIGKILL; it could not be killed", null);
    }
  }

  /** Ends what the process left running: its descendants as they were when the stop began. */
  private void endDescendants(List<ProcessHandle> descendants) throws InterruptedException {
    List<ProcessHandle> alive = descendants.stream().filter(each -> !gone(each)).toList();
    if (alive.isEmpty()) {
      return;
    }
    alive.forEach(ProcessHandle::destroy);
    awaitGone(alive, TERM_GRACE);
    alive.forEach(ProcessHandle::destroyForcibly);
    awaitGone(alive, Joiner.GRACE);
    for (ProcessHandle each : alive) {
      if (!gone(each)) {
        problems.add("pid " + each.pid() + ", started by " + described + ", was still alive "
            + Durations.describe(Joiner.GRACE) + " after SIGKILL; it could not be killed", null);
      }
    }
  }

  /** Waits up to {@code bound} until every one of {@code processes} is gone. */
  private static void awaitGone(List<ProcessHandle> processes, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!processes.stream().allMatch(ProcessStdio::gone) && System.nanoTime() - deadline < 0) {
      // Not our children, so no wait(2) can tell us: poll, briefly.
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  /**
   * Whether {@code process} ended. A descendant that outlived its parent belongs to init (or a
   * subreaper), which may take its time to reap it; until then it is a zombie, which holds no
   * descriptors any more and counts as gone.
   */
  static boolean gone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return !process.isAlive(); // no /proc (macOS), or it was reaped meanwhile
    }
  }

  private static void killNow(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void removeQuietly(List<Path> files, Path directory) {
    try {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      System.getLogger(ProcessStdio.class.getName()).log(System.Logger.Level.WARNING, "removing " + directory, e);
    }
  }

  /** A process's output, read through its named pipe: end-of-file is the end (the process closed it). */
  private static PipeInput input(String threadName, Path path, String described) {
    return new PipeInput(threadName, NamedPipes.readEnd(path, described, false), NO_EVENTS);
  }

  /** A process's stdin: no keeper, so a program that exited makes a write fail with a broken pipe. */
  private static PipeOutput output(String threadName, Path path, String described) {
    // The open is recorded with the pid once the process runs, not here.
    return new PipeOutput(threadName, NamedPipes.writeEnd(path, described, false), () -> {});
  }

  /** The pipes of a process open once, with the process; its start is recorded instead. */
  private static final PipeInput.Listener NO_EVENTS = new PipeInput.Listener() {
    @Override
    public void opened() {}

    @Override
    public void closed() {}
  };
}
