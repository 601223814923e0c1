package dev.sockpuppet.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
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
 * Does an exchange get slower the longer a connection has been talking? Each iteration opens a
 * fresh connection, makes {@code priorExchanges} exchanges untimed, then times a batch of
 * {@value #BATCH}. A recording that appends in constant time gives the same figure for every
 * history; one that re-reads its history on each read grows with it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Thread)
public class HandlerHistoryBenchmark {
  static final int BATCH = 2_000;

  @Param({"UNIX"})
  public Transport transport;

  @Param({"FAKE_ECHO", "FAKE_HANDLER"})
  public Peer peer;

  @Param({"0", "10000", "30000"})
  public int priorExchanges;

  private PingPong pingPong;

  @Setup(Level.Iteration)
  public void connectAndTalk(ScratchDirectory scratch) throws IOException {
    pingPong = PingPong.start(transport, peer, scratch.path());
    for (int i = 0; i < priorExchanges; i++) {
      pingPong.exchange();
    }
  }

  @TearDown(Level.Iteration)
  public void disconnect() throws IOException {
    pingPong.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int exchanges() throws IOException {
    int sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += pingPong.exchange();
    }
    return sum;
  }
}
