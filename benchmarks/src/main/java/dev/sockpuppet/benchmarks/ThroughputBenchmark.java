package dev.sockpuppet.benchmarks;

import dev.sockpuppet.Connection;
import dev.sockpuppet.RecordingUsage;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.IterationParams;

/**
 * One client streams 1 GiB into a server that only records (the fakes' default sink), over TCP or
 * a Unix stream socket, against a raw JDK server that reads and discards with the same thread
 * model. One operation is the whole GiB, from the first write to the server closing the connection
 * after end-of-stream, so every byte has been read (and recorded) when the clock stops.
 *
 * <p>A second raw server writes every read to a file on its reading thread: what keeping every
 * byte on this machine's disk costs at the plainest, the yardstick for the fakes that spill.
 *
 * <p>Fakes run with three in-memory limits: the default (64 MiB, so most of the GiB spills to the
 * temporary file), a low one (8 MiB, nearly all spills), and one above 1 GiB (all of it stays on
 * the heap, which is why this class forks with a 4 GiB heap). The retained heap with the recording
 * still open is reported next to the time as {@code retainedHeapMiB}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
// 4 GiB of heap for the in-memory run, committed and touched up front so that page faults on
// fresh heap do not land in whichever run first grows it.
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class ThroughputBenchmark {
  static final long GIB = 1L << 30;
  private static final int WRITE_BUFFER = 256 * 1024;
  /** Far longer than any transfer here takes; only a broken server would get that far. */
  private static final long WATCHDOG_SECONDS = 60;

  /**
   * What receives the GiB: raw baselines that discard, a prototype of a different recording store
   * (outside the framework, to test a candidate fix), and the fake with three memory limits.
   */
  public enum Receiver {
    RAW_DIRECT(-1),
    RAW_HEAP(-1),
    RAW_WRITE_TO_FILE(-1),
    PROTOTYPE_HEAP_SLABS(-1),
    FAKE_LIMIT_8MIB(8L << 20),
    FAKE_LIMIT_64MIB_DEFAULT(StreamServer.DEFAULT_MEMORY_LIMIT),
    FAKE_LIMIT_2GIB_IN_MEMORY(2 * GIB);

    final long memoryLimit;

    Receiver(long memoryLimit) {
      this.memoryLimit = memoryLimit;
    }
  }

  @Param({"TCP", "UNIX"})
  public Transport transport;

  @Param
  public Receiver receiver;

  private ScheduledExecutorService watchdog;
  private ByteBuffer source;

  private RawServer raw;
  private StreamServer fake;
  private SocketChannel client;
  private long heapBefore;

  /**
   * Secondary results next to the time. JMH sums {@code EVENTS} counters over the measurement
   * iterations, so each iteration stores its reading divided by the iteration count: the reported
   * figure is then the mean per GiB transferred.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Footprint {
    /** Heap retained after full GCs while the recording of the GiB is still open, minus before. */
    public double retainedHeapMiB;
    /** What the recording says it holds in memory. */
    public double recordedInMemoryMiB;
    /** What the recording says went to its spill file. */
    public double spilledMiB;
  }

  @Setup(Level.Trial)
  public void setUpTrial() throws IOException {
    watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "throughput-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    source = ByteBuffer.allocateDirect(WRITE_BUFFER);
    for (int i = 0; i < WRITE_BUFFER; i++) {
      source.put((byte) i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDownTrial() throws IOException {
    watchdog.shutdownNow();
  }

  @Setup(Level.Iteration)
  public void startServer(ScratchDirectory scratch) throws IOException {
    heapBefore = Memory.heapAfterGc();
    SocketAddress address;
    if (receiver.memoryLimit < 0) {
      raw = RawServer.start(transport, scratch.path(), switch (receiver) {
        case RAW_DIRECT -> RawServer.Behaviour.DISCARD_DIRECT;
        case RAW_HEAP -> RawServer.Behaviour.DISCARD_HEAP;
        case RAW_WRITE_TO_FILE -> RawServer.Behaviour.WRITE_TO_FILE;
        default -> RawServer.Behaviour.KEEP_IN_HEAP_SLABS;
      });
      address = raw.address();
    } else if (transport == Transport.TCP) {
      fake = TcpServer.create().withMemoryLimit(receiver.memoryLimit).start();
      address = fake.address();
    } else {
      fake = UnixSocketServer.create().withMemoryLimit(receiver.memoryLimit).start();
      address = fake.address();
    }
    client = Transport.connect(address);
  }

  @Benchmark
  public long oneGibibyte() throws IOException {
    ScheduledFuture<?> guard = watchdog.schedule(this::closeClient, WATCHDOG_SECONDS, TimeUnit.SECONDS);
    try {
      long sent = 0;
      while (sent < GIB) {
        source.clear();
        sent += client.write(source);
      }
      client.shutdownOutput();
      // The server closes after reading end-of-stream; waiting for that means it has every byte.
      ByteBuffer eof = ByteBuffer.allocate(1);
      if (client.read(eof) >= 0) {
        throw new IllegalStateException("the server answered instead of closing");
      }
      return sent;
    } finally {
      guard.cancel(false);
    }
  }

  @TearDown(Level.Iteration)
  public void stopServer(Footprint footprint, IterationParams iteration) throws IOException {
    client.close();
    double share = 1.0 / iteration.getCount();
    if (raw != null) {
      footprint.retainedHeapMiB = Memory.mebibytes(Memory.heapAfterGc() - heapBefore) * share;
      raw.close();
      raw = null;
      return;
    }
    Connection connection = fake.connections().get(0);
    long received = connection.received().size();
    if (received != GIB) {
      throw new IllegalStateException(fake + " recorded " + received + " bytes instead of " + GIB);
    }
    footprint.retainedHeapMiB = Memory.mebibytes(Memory.heapAfterGc() - heapBefore) * share;
    RecordingUsage usage = fake.recordingUsage();
    footprint.recordedInMemoryMiB = Memory.mebibytes(usage.bytesInMemory()) * share;
    footprint.spilledMiB = Memory.mebibytes(usage.bytesSpilled()) * share;
    fake.close();
    fake = null;
  }

  private void closeClient() {
    try {
      client.close();
    } catch (IOException e) {
      // The benchmark fails on the closed channel anyway; nothing more to do here.
    }
  }
}
