package dev.sockpuppet.benchmarks;

import dev.sockpuppet.datagram.DatagramResponder;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Syslog ingest over a Unix datagram socket, the {@code /dev/log} case: a sender thread writes
 * RFC 3164 lines as glibc does, and the benchmark waits until the receiver has taken each one.
 * {@code RAW_JUNIXSOCKET} is the least a receiver can do (a blocking junixsocket receive loop that
 * counts datagrams); {@code SYSLOG_SERVER} receives, records and parses every message. The
 * score is messages per second; the targets are ≥ 0.5 M/s and ≥ 80 % of the raw loop.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Thread)
public class SyslogIngestBenchmark {
  private static final int BATCH = 10_000;

  /** Who receives. */
  public enum Receiver { RAW_JUNIXSOCKET, DATAGRAM_SERVER, SYSLOG_SERVER }

  @Param
  public Receiver receiver;

  private Path directory;
  private AFUNIXDatagramChannel sender;
  private AFUNIXSocketAddress target;
  private ByteBuffer[] lines;
  private long sent;
  private LongSupplier received;
  private AutoCloseable running;

  @Setup(Level.Trial)
  public void prepare() throws IOException {
    directory = Files.createTempDirectory(Path.of("/tmp"), "sp-ingest-");
    sender = AFUNIXDatagramChannel.open();
    lines = new ByteBuffer[BATCH];
    for (int i = 0; i < BATCH; i++) {
      lines[i] = ByteBuffer.wrap(("<30>Nov 21 18:45:01 backupd[4242]: copied chunk " + i + " of the nightly backup to /srv/b")
          .getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** A fresh receiver per iteration, so that the recording of one does not weigh on the next. */
  @Setup(Level.Iteration)
  public void start() throws IOException {
    sent = 0;
    if (receiver == Receiver.SYSLOG_SERVER) {
      SyslogServer syslog = SyslogServer.create().withBaseDirectory(directory).withMemoryLimit(4L << 30).start();
      target = AFUNIXSocketAddress.of(syslog.path());
      received = syslog::messageCount;
      running = syslog;
    } else if (receiver == Receiver.DATAGRAM_SERVER) {
      // Receives and records, parses nothing: the engine's share of the syslog server's cost.
      AtomicLong count = new AtomicLong();
      UnixDatagramServer server = UnixDatagramServer.create().withBaseDirectory(directory).withMemoryLimit(4L << 30)
          .withResponder(DatagramResponder.replyWith(datagram -> {
            count.incrementAndGet();
            return null;
          }))
          .start();
      target = AFUNIXSocketAddress.of(server.path());
      received = count::get;
      running = server;
    } else {
      RawReceiver raw = new RawReceiver(directory.resolve("raw.sock"));
      target = AFUNIXSocketAddress.of(directory.resolve("raw.sock"));
      received = raw.count::get;
      running = raw;
    }
  }

  @TearDown(Level.Iteration)
  public void stop() throws Exception {
    running.close();
  }

  @TearDown(Level.Trial)
  public void clean() throws IOException {
    sender.close();
    Files.deleteIfExists(directory);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void ingest() throws IOException {
    for (ByteBuffer line : lines) {
      sender.send(line.duplicate(), target); // blocks while the receiver's queue is full, as glibc's does
    }
    sent += BATCH;
    while (received.getAsLong() < sent) {
      LockSupport.parkNanos(20_000);
    }
  }

  /** A junixsocket datagram socket and a thread that receives and counts, nothing else. */
  private static final class RawReceiver implements AutoCloseable {
    final AtomicLong count = new AtomicLong();
    private final AFUNIXDatagramChannel channel;
    private final Path path;
    private final Thread thread;

    RawReceiver(Path path) throws IOException {
      this.path = path;
      Files.deleteIfExists(path);
      channel = AFUNIXDatagramChannel.open();
      channel.bind(AFUNIXSocketAddress.of(path));
      thread = new Thread(this::loop, "raw-receiver");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
      try {
        while (true) {
          buffer.clear();
          channel.receive(buffer);
          count.incrementAndGet();
        }
      } catch (IOException closed) {
        // the benchmark closed the channel
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(path);
    }
  }
}
