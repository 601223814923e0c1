package dev.sockpuppet.benchmarks;

import static dev.sockpuppet.SocketAssertions.assertThat;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.Framing;
import dev.sockpuppet.stream.TcpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a failing assertion takes to fail, message included, on a recording of about 50 MB of
 * text lines (spilled to a file past 1 MiB), one of which, 40 MB in, differs. The baseline is what
 * a message used to cost before it showed windows only: decoding the whole recording as one String.
 * A message over a window must cost far less than the baseline when the difference comes early,
 * and no more than reading up to the difference when it comes late.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FailureMessageBenchmark {
  private static final int LINE = 33;
  private static final int LINES = 1_600_000;
  private static final int ODD_LINE = 1_200_000;

  private TcpServer server;
  private Connection connection;
  private Bytes expected;

  @Setup(Level.Trial)
  public void record() throws IOException {
    server = TcpServer.create().withName("messages").withMemoryLimit(1 << 20).withTimeout(Duration.ofMinutes(1)).start();
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      OutputStream out = client.getOutputStream();
      byte[] block = new byte[LINE * 32_768];
      for (int first = 0; first < LINES; first += 32_768) {
        int count = Math.min(32_768, LINES - first);
        for (int i = 0; i < count; i++) {
          byte[] text = String.format("line %07d the quick brown f%sx%n", first + i, first + i == ODD_LINE ? "a" : "o")
              .getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(text, 0, block, i * LINE, LINE);
        }
        out.write(block, 0, count * LINE);
      }
    }
    connection = server.awaitConnection();
    connection.awaitReceived("the whole recording", bytes -> bytes.size() == (long) LINES * LINE);
    Bytes received = connection.received();
    long odd = (long) ODD_LINE * LINE + 30;
    expected = Bytes.concat(received.first(odd), Bytes.of("o"), received.slice(odd + 1, received.size()));
  }

  @TearDown(Level.Trial)
  public void close() {
    server.close();
  }

  /** What a failing check used to put into its message and actual value: the whole text. */
  @Benchmark
  public int baselineWholeText() {
    return connection.received().text().length();
  }

  /** The first difference 40 MB in: comparing up to it dominates. */
  @Benchmark
  public int exactBytesLateDifference() {
    return fail(() -> assertThat(connection).receivedExactly(expected));
  }

  /** The third line differs: the check stops there, whatever follows. */
  @Benchmark
  public int linesEarlyDifference() {
    return fail(() -> assertThat(connection).receivedLines("line 0000000 the quick brown fox",
        "line 0000001 the quick brown fox", "line 0000002 the quick brown fix"));
  }

  /** The second frame differs. */
  @Benchmark
  public int framesEarlyDifference() {
    return fail(() -> assertThat(connection).receivedFrames(Framing.delimiter("\n"),
        "line 0000000 the quick brown fox", "line 0000001 the quick brown fux"));
  }

  /** A regex failing on the first line: matching needs the text; the message, a window. */
  @Benchmark
  public int regexEarlyDifference() {
    return fail(() -> assertThat(connection).receivedMatching("line \\d{7} the quick brown fix\n.*"));
  }

  private static int fail(Runnable assertion) {
    try {
      assertion.run();
    } catch (AssertionError expectedFailure) {
      return expectedFailure.getMessage().length();
    }
    throw new IllegalStateException("the assertion passed");
  }
}
