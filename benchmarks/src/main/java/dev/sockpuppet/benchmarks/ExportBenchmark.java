package dev.sockpuppet.benchmarks;

import dev.sockpuppet.Connection;
import dev.sockpuppet.export.TrafficExport;
import dev.sockpuppet.stream.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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
 * Exports a 1 GiB recording to a file, against writing the same GiB to a file in the same run. The
 * recording is made for real: a client streams 1 GiB into a record-only {@link TcpServer} with the
 * default 64 MiB memory limit, so nearly all of it is in the spill file, as a large recording is.
 * One operation writes one whole file, then the file is deleted.
 *
 * <ul>
 *   <li>{@code FILE_WRITE}: the GiB from one 256 KiB buffer to a file: the disk's own speed;
 *   <li>{@code RECORDING_COPY}: the recorded bytes ({@code received().inputStream()}) to a file:
 *       reading the spill file back, plus the disk;
 *   <li>{@code PCAPNG}: {@link TrafficExport#writePcapng(Path)}: 1.002 GiB of packets (headers,
 *       checksums, an ACK per segment);
 *   <li>{@code JSON_LINES}: {@link TrafficExport#writeJsonLines(Path)}: 1.33 GiB of base64.
 * </ul>
 *
 * <p>Throughput is 1024 MiB over the time, whatever the output's size.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ExportBenchmark {
  private static final long GIB = 1L << 30;
  private static final int BUFFER = 256 * 1024;

  /** What is written. */
  public enum Output {
    FILE_WRITE,
    RECORDING_COPY,
    PCAPNG,
    JSON_LINES
  }

  @Param
  public Output output;

  private TcpServer server;
  private Connection connection;
  private Path directory;
  private Path file;
  private final ByteBuffer block = ByteBuffer.allocate(BUFFER);

  @Setup(Level.Trial)
  public void record() throws IOException {
    directory = Files.createTempDirectory(Path.of("/tmp"), "sp-export-");
    server = TcpServer.create().withName("export-bench").start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
      for (int i = 0; i < BUFFER; i++) {
        buffer.put(i, (byte) (i * 31));
      }
      for (long sent = 0; sent < GIB; sent += BUFFER) {
        buffer.clear();
        while (buffer.hasRemaining()) {
          client.write(buffer);
        }
      }
    }
    connection = server.awaitConnection().awaitClosed();
    server.stop(); // the recording stays readable, spill file included, until close()
    if (connection.received().size() != GIB) {
      throw new IllegalStateException("recorded " + connection.received().size() + " bytes, not 1 GiB");
    }
    if (server.recordingUsage().bytesSpilled() < GIB / 2) {
      throw new IllegalStateException("the recording did not spill: " + server.recordingUsage());
    }
    file = directory.resolve("out");
  }

  @TearDown(Level.Iteration)
  public void deleteOutput() throws IOException {
    Files.deleteIfExists(file);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(file);
    Files.deleteIfExists(directory);
  }

  @Benchmark
  public long export() throws IOException {
    switch (output) {
      case FILE_WRITE -> {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          for (long written = 0; written < GIB; written += BUFFER) {
            block.clear();
            while (block.hasRemaining()) {
              out.write(block);
            }
          }
        }
      }
      case RECORDING_COPY -> {
        try (InputStream in = connection.received().inputStream(); OutputStream out = Files.newOutputStream(file)) {
          in.transferTo(out);
        }
      }
      case PCAPNG -> TrafficExport.of(server).writePcapng(file);
      case JSON_LINES -> TrafficExport.of(server).writeJsonLines(file);
    }
    return Files.size(file);
  }
}
