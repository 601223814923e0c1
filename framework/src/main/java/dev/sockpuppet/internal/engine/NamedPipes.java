package dev.sockpuppet.internal.engine;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Named pipes (FIFOs) for the fakes: making them with {@code mkfifo(1)} (no native code of our
 * own), and the two halves of a {@link PipeTransport} over them.
 *
 * <p>Opening a named pipe blocks until the other end opens, and the JDK cannot open one
 * non-blocking nor interrupt an open. Both halves therefore open on threads of their own, and
 * {@link #wake} ends a blocked open from outside: it opens the pipe for reading and writing at once,
 * which on Linux and macOS never blocks and satisfies any open waiting for the other end.
 */
public final class NamedPipes {
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;

  private NamedPipes() {}

  /**
   * Makes a named pipe at {@code path} that only its owner can open.
   *
   * @throws UnsupportedOperationException if named pipes cannot be made here (no {@code mkfifo})
   * @throws IOException if {@code mkfifo} failed, with what it said
   */
  public static void create(Path path, Duration timeout) throws IOException {
    create(List.of(path), timeout);
  }

  /** {@link #create(Path, Duration)} for several pipes at once, with one run of {@code mkfifo}. */
  public static void create(List<Path> paths, Duration timeout) throws IOException {
    List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
    paths.forEach(path -> command.add(path.toString()));
    Object path = paths.size() == 1 ? paths.get(0) : paths;
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UnsupportedOperationException(
          "named pipes cannot be made on this machine: mkfifo(1) could not be run (" + e.getMessage()
              + "); on Debian and Ubuntu it is in the coreutils package",
          e);
    }
    try (InputStream said = process.getInputStream()) {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
        throw new IOException("mkfifo " + path + " did not finish within " + timeout.toMillis() + " ms");
      }
      String output = new String(said.readNBytes(4096), StandardCharsets.UTF_8).trim();
      if (process.exitValue() != 0) {
        throw new IOException("mkfifo " + path + " failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the named pipe " + path, e);
    }
  }

  /** Whether {@code path} is a named pipe (not following a link). */
  public static boolean isFifo(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFIFO;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Plays {@code behaviour} over named pipes that already exist: {@code toProgram} the program
   * reads, {@code fromProgram} it writes; either may be null (a single FIFO).
   *
   * @param programAddress what the recording names as the connection's peer
   * @param noOutputBecause why sending fails when there is no {@code toProgram}
   */
  public static PeerEngine play(
      String threadPrefix,
      Path toProgram,
      Path fromProgram,
      SocketAddress programAddress,
      String noOutputBecause,
      Duration timeout,
      FakeCore.Run run,
      Behaviour behaviour,
      PeerEngine.TransportWrapper wrap) {
    ConnectionRecord record = run.traffic().openConnection(null, programAddress, null);
    PipeInput input = fromProgram == null ? null : input(threadPrefix + "-read", fromProgram, record);
    PipeOutput output;
    try {
      output = toProgram == null ? null : output(threadPrefix + "-open", toProgram, record);
    } catch (RuntimeException | Error e) {
      if (input != null) {
        input.close();
      }
      throw e;
    }
    PipeTransport transport = PipeTransport.of(input, output, noOutputBecause);
    return PeerEngine.play(
        threadPrefix + "-pipes", record, transport, transport.threads(), timeout, run, behaviour, wrap);
  }

  /**
   * Opens {@code path} for reading and writing, which never blocks, so that every open of it, the
   * ones blocked now and the ones still to come, returns at once while the handle is open: the pipe
   * has a reader and a writer. A stop holds it until the thread that opens the pipe has ended, so a
   * thread that reaches its open late (a busy machine) cannot block there for ever. Null when the
   * pipe cannot be opened (it is gone, say), which leaves no open to wake.
   */
  static Closeable holdOpen(Path path) {
    try {
      return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      System.getLogger(NamedPipes.class.getName()).log(System.Logger.Level.DEBUG, "holding " + path + " open", e);
      return null;
    }
  }

  /** Ends an open of {@code path} that waits for the other end; harmless when none waits. */
  static void wake(Path path) {
    try {
      FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE).close(); // opening is all it takes
    } catch (IOException | RuntimeException e) {
      System.getLogger(NamedPipes.class.getName()).log(System.Logger.Level.DEBUG, "waking opens of " + path, e);
    }
  }

  /**
   * The fake's reading end of the named pipe at {@code path}: opening it blocks until the other
   * end opens, or {@link #wake} ends the wait. If the open fails, it wakes whoever waits for this
   * end in turn, since it will never open: the program (or the JDK starting a process on the pipe)
   * goes on instead of hanging.
   *
   * @param reopens whether end-of-file waits for the next writer (see {@link PipeInput.Source#reopens()})
   */
  static PipeInput.Source readEnd(Path path, String described, boolean reopens) {
    return new PipeInput.Source() {
      @Override
      public ReadableByteChannel open() throws IOException {
        return openOrWake(path, () -> FileChannel.open(path, StandardOpenOption.READ));
      }

      @Override
      public Closeable holdOpen() {
        return NamedPipes.holdOpen(path);
      }

      @Override
      public boolean reopens() {
        return reopens;
      }

      @Override
      public String describe() {
        return described;
      }
    };
  }

  /**
   * The fake's writing end of the named pipe at {@code path}, opened like {@link #readEnd}.
   *
   * @param keeper whether the fake also holds a reader of its own (see {@link PipeOutput}); without
   *     one, a write once the program closed its end fails with a broken pipe
   */
  static PipeOutput.Sink writeEnd(Path path, String described, boolean keeper) {
    return new PipeOutput.Sink() {
      @Override
      public PipeOutput.Opened open() throws IOException {
        return openOrWake(path, () -> {
          FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
          try {
            // The fake holds a writer now, so opening a reader of its own does not wait.
            return new PipeOutput.Opened(channel, keeper ? new FileInputStream(path.toFile()) : null);
          } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
          }
        });
      }

      @Override
      public Closeable holdOpen() {
        return NamedPipes.holdOpen(path);
      }

      @Override
      public String describe() {
        return described;
      }
    };
  }

  /** An open of a named pipe that may block. */
  @FunctionalInterface
  private interface Opener<T> {
    T open() throws IOException;
  }

  private static <T> T openOrWake(Path path, Opener<T> opener) throws IOException {
    try {
      return opener.open();
    } catch (IOException | RuntimeException e) {
      wake(path);
      throw e;
    }
  }

  /**
   * The reading half over the named pipe the program writes: end-of-file when the program closes
   * it is recorded, and the pipe waits for the program to open it again.
   */
  static PipeInput input(String threadName, Path path, ConnectionRecord record) {
    String described = path + ", which the program writes";
    return new PipeInput(threadName, readEnd(path, described, true), new PipeInput.Listener() {
      @Override
      public void opened() {
        record.event(Kind.PIPE_OPENED, Side.PEER, described);
      }

      @Override
      public void closed() {
        record.event(Kind.PIPE_CLOSED, Side.PEER, described);
      }
    });
  }

  /** The writing half over the named pipe the program reads, with the fake's keeper on it. */
  static PipeOutput output(String threadName, Path path, ConnectionRecord record) {
    String described = path + ", which the program reads";
    return new PipeOutput(threadName, writeEnd(path, path.toString(), true), () -> record.event(Kind.PIPE_OPENED, Side.PEER, described));
  }
}
