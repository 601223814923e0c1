package dev.sockpuppet.benchmarks;

import dev.sockpuppet.fifo.Fifo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Named-pipe throughput: a writer (the "program") writes 16 MiB into a FIFO in 64 KiB writes and
 * the benchmark waits until the reader has taken all of it. {@code RAW_FILECHANNEL} reads the
 * same kind of FIFO with a plain blocking {@link FileChannel} loop that counts bytes; {@code FIFO}
 * is a {@link Fifo#programWrites()} that records every byte. The score is invocations per second;
 * times 16 it is MiB/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Thread)
public class FifoThroughputBenchmark {
  private static final int WRITE = 64 * 1024;
  private static final int PER_INVOCATION = 16 * 1024 * 1024;

  /** Who reads the FIFO. */
  public enum Reader { RAW_FILECHANNEL, FIFO }

  @Param
  public Reader reader;

  private Path directory;
  private FileChannel writer;
  private ByteBuffer chunk;
  private long written;
  private LongSupplier received;
  private AutoCloseable running;

  @Setup(Level.Trial)
  public void prepare() throws IOException {
    directory = Files.createTempDirectory(Path.of("/tmp"), "sp-fifo-");
    byte[] bytes = new byte[WRITE];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    chunk = ByteBuffer.allocateDirect(WRITE).put(bytes).flip();
  }

  /** A fresh reader and pipe per iteration, so that one recording does not weigh on the next. */
  @Setup(Level.Iteration)
  public void start() throws Exception {
    written = 0;
    Path pipe;
    if (reader == Reader.FIFO) {
      Fifo fifo = Fifo.programWrites().withBaseDirectory(directory).withMemoryLimit(4L << 30).start();
      pipe = fifo.path();
      received = () -> {
        // Everything recorded, cheaply: only the program writes to this FIFO.
        var usage = fifo.recordingUsage();
        return usage.bytesInMemory() + usage.bytesSpilled();
      };
      running = fifo;
    } else {
      RawReader raw = new RawReader(directory.resolve("raw.fifo"));
      pipe = raw.path;
      received = raw.count::get;
      running = raw;
    }
    // Opening for writing waits for the reader, which opens on a thread of its own.
    writer = FileChannel.open(pipe, StandardOpenOption.WRITE);
  }

  @TearDown(Level.Iteration)
  public void stop() throws Exception {
    writer.close();
    running.close();
  }

  @TearDown(Level.Trial)
  public void clean() throws IOException {
    Files.deleteIfExists(directory);
  }

  @Benchmark
  public void transfer() throws IOException {
    for (int sent = 0; sent < PER_INVOCATION; sent += WRITE) {
      ByteBuffer next = chunk.duplicate();
      while (next.hasRemaining()) {
        writer.write(next);
      }
    }
    written += PER_INVOCATION;
    while (received.getAsLong() < written) {
      LockSupport.parkNanos(20_000);
    }
  }

  /** A FIFO and a thread that reads it with a plain FileChannel and counts, nothing else. */
  private static final class RawReader implements AutoCloseable {
    final AtomicLong count = new AtomicLong();
    final Path path;
    private final Thread thread;

    RawReader(Path path) throws Exception {
      this.path = path;
      Files.deleteIfExists(path);
      Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).inheritIO().start();
      if (mkfifo.waitFor() != 0) {
        throw new IOException("mkfifo failed");
      }
      thread = new Thread(this::loop, "raw-fifo-reader");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE);
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
        int read;
        while ((read = channel.read(buffer.clear())) >= 0) {
          count.addAndGet(read);
        }
      } catch (IOException e) {
        // the benchmark closed the pipe
      }
    }

    @Override
    public void close() throws IOException {
      try {
        thread.join(5_000); // ends at end-of-file, once the writer closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(path);
    }
  }
}
