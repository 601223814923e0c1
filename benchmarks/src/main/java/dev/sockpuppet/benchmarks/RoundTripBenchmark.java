package dev.sockpuppet.benchmarks;

import java.io.IOException;
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
 * Latency of one 100-byte request/response exchange through a fake, against a raw JDK echo server
 * with the same thread model. Each iteration gets a fresh server and connection, so the recording
 * a fake keeps grows only for one iteration (about a second of exchanges), as in a long test.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RoundTripBenchmark {
  @Param({"TCP", "UNIX"})
  public Transport transport;

  @Param
  public Peer peer;

  private PingPong pingPong;

  @Setup(Level.Iteration)
  public void connect(ScratchDirectory scratch) throws IOException {
    pingPong = PingPong.start(transport, peer, scratch.path());
  }

  @TearDown(Level.Iteration)
  public void disconnect() throws IOException {
    long recorded = pingPong.recordedBytes();
    pingPong.close();
    if (recorded != -1 && (recorded == 0 || recorded % PingPong.MESSAGE != 0)) {
      throw new IllegalStateException("the fake recorded " + recorded + " bytes, not whole messages");
    }
  }

  @Benchmark
  public byte exchange() throws IOException {
    return pingPong.exchange();
  }
}
