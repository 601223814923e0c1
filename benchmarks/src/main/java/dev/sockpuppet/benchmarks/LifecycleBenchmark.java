package dev.sockpuppet.benchmarks;

import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start plus stop of one fake, against the least a server can do: a bare bind and close (issue
 * 13's yardstick: a fake should cost about that), and a bind with an accept thread of its own,
 * closed and joined (what a hand-written server pays). A test pays this once per fake, so it
 * decides whether a fresh fake per test is cheap enough to be the default. okhttp's
 * MockWebServer is the incumbent to beat.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LifecycleBenchmark {

  /** The floor: a JDK ServerSocketChannel bound on loopback port 0 and closed, nothing accepting. */
  @Benchmark
  public void bareBindCloseTcp(ScratchDirectory scratch) throws IOException {
    Transport.TCP.bind(scratch.path(), "bare.sock").close();
  }

  /** The floor for Unix sockets: bind a socket file in an existing directory, close, remove the file. */
  @Benchmark
  public void bareBindCloseUnix(ScratchDirectory scratch) throws IOException {
    Transport.UNIX.bind(scratch.path(), "bare.sock").close();
    java.nio.file.Files.delete(scratch.path().resolve("bare.sock"));
  }

  /** Baseline: a JDK ServerSocketChannel on loopback port 0 with an accept thread. */
  @Benchmark
  public void rawJdkTcp(ScratchDirectory scratch) throws IOException {
    RawServer.start(Transport.TCP, scratch.path(), RawServer.Behaviour.DISCARD_DIRECT).close();
  }

  /** Baseline for Unix sockets: the same on a socket file in an existing directory. */
  @Benchmark
  public void rawJdkUnix(ScratchDirectory scratch) throws IOException {
    RawServer.start(Transport.UNIX, scratch.path(), RawServer.Behaviour.DISCARD_DIRECT).close();
  }

  @Benchmark
  public void tcpServer() {
    TcpServer.create().start().close();
  }

  /** Includes the socket file's permissions, and its removal on stop. */
  @Benchmark
  public void unixSocketServer() {
    UnixSocketServer.create().start().close();
  }

  /** okhttp's MockWebServer on loopback port 0 (no name lookup, to compare like with like). */
  @Benchmark
  public void mockWebServer() throws IOException {
    MockWebServer server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    server.shutdown();
  }
}
