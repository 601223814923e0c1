package dev.sockpuppet.benchmarks;

import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
 * One server holding 1,000 or 10,000 concurrent connections, every one answered: each client
 * sends a byte and reads its echo. Timed from the first connect to the last echo. The clients run
 * in a separate process ({@link ConnectionClients}): 10,000 connections need 20,000 descriptors,
 * exactly this machine's hard {@code ulimit -n}, so one process cannot hold both ends.
 *
 * <p>Memory per connection, measured while all connections are held: retained heap after full
 * GCs minus the same reading once the server closed, and resident set size (which includes the
 * per-connection thread stacks) minus the reading before the server started, each divided by the
 * count. Connection threads are counted as platform threads (the thread MXBean) and as the
 * library's virtual threads ({@code Threads.live()}), which no MXBean counts. The baseline is a raw JDK echo server with the same thread-per-connection model.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
// A fixed, pre-touched heap keeps heap resizing out of the resident-size readings.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class ConnectionsBenchmark {
  /** How long to wait for the client process to report; its own watchdog is shorter than this. */
  private static final long CLIENT_WAIT_SECONDS = ConnectionClients.WATCHDOG_SECONDS + 10;

  /** Which server holds the connections. */
  public enum Holder {
    RAW_ECHO,
    /**
     * The echo responder with the library's default threads: on Java 21+ platform threads for the
     * first 256 connections open at once and virtual ones beyond; platform threads on 17.
     */
    FAKE_ECHO,
    /** The same with {@code -Dsockpuppet.connectionThreads=platform}: the Java 17 model on any JVM. */
    FAKE_ECHO_PLATFORM_THREADS,
    /** The same with {@code -Dsockpuppet.connectionThreads=virtual}: every connection virtual on 21+. */
    FAKE_ECHO_VIRTUAL_THREADS
  }

  @Param({"TCP", "UNIX"})
  public Transport transport;

  @Param
  public Holder holder;

  @Param({"1000", "10000"})
  public int connections;

  private RawServer raw;
  private StreamServer fake;
  private Process clients;
  private BufferedReader clientOutput;
  private Writer clientInput;
  private long heapHeld;
  private long residentBefore;
  private int threadsBefore;

  /** Per-connection footprint; summed by JMH over iterations, hence stored as a share. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Footprint {
    public double heapBytesPerConnection;
    public double residentBytesPerConnection;
    public double threadsPerConnection;
    /** Virtual threads of the library per connection (Java 21+; the thread MXBean counts none of them). */
    public double virtualThreadsPerConnection;
    /** How long the server's stop took with every connection just closed by its client. */
    public double stopMillis;
    /** Stops in which the fake reported a thread "stuck" (none should: see PERFORMANCE.md, F). */
    public double stopsReportingStuckThreads;
  }

  @Setup(Level.Iteration)
  public void startServerAndClients(ScratchDirectory scratch) throws IOException {
    residentBefore = Memory.residentBytes();
    threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    SocketAddress address;
    if (holder == Holder.RAW_ECHO) {
      raw = RawServer.start(transport, scratch.path(), RawServer.Behaviour.ECHO);
      address = raw.address();
    } else {
      // Read when the fake starts; the property goes again before the next iteration's fake.
      if (holder == Holder.FAKE_ECHO_PLATFORM_THREADS) {
        System.setProperty(Threads.MODE_PROPERTY, "platform");
      } else if (holder == Holder.FAKE_ECHO_VIRTUAL_THREADS) {
        System.setProperty(Threads.MODE_PROPERTY, "virtual");
      }
      try {
        fake = transport == Transport.TCP
            ? TcpServer.create().withResponder(Responder.echo()).start()
            : UnixSocketServer.create().withResponder(Responder.echo()).start();
      } finally {
        System.clearProperty(Threads.MODE_PROPERTY);
      }
      address = fake.address();
    }
    String target = address instanceof InetSocketAddress inet
        ? String.valueOf(inet.getPort())
        : ((UnixDomainSocketAddress) address).getPath().toString();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    clients = new ProcessBuilder(
            List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ConnectionClients.class.getName(), transport == Transport.TCP ? "tcp" : "unix", target,
                String.valueOf(connections)))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    clientOutput = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
    clientInput = new OutputStreamWriter(clients.getOutputStream(), StandardCharsets.UTF_8);
    expect("READY");
  }

  @Benchmark
  public String connectAndAnswerAll() throws IOException {
    clientInput.write("GO\n");
    clientInput.flush();
    return expect("ANSWERED " + connections);
  }

  @TearDown(Level.Iteration)
  public void measureAndStop(Footprint footprint, IterationParams iteration) throws Exception {
    double perIteration = 1.0 / iteration.getCount();
    try {
      double share = perIteration / connections;
      // Heap is held minus what the close released (below), not minus the reading before: that one
      // drifted by megabytes between iterations and gave negative figures.
      heapHeld = Memory.heapAfterGc();
      footprint.residentBytesPerConnection = (Memory.residentBytes() - residentBefore) * share;
      footprint.threadsPerConnection =
          (ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore) * share;
      footprint.virtualThreadsPerConnection = Threads.live().stream().filter(Threads::isVirtual).count() * share;
      if (fake != null && fake.connections().size() != connections) {
        throw new IllegalStateException(fake + " accepted " + fake.connections().size() + " of " + connections);
      }
      clientInput.write("QUIT\n");
      clientInput.flush();
      if (!clients.waitFor(CLIENT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the client process did not exit");
      }
    } finally {
      clients.destroyForcibly();
      long stopStart = System.nanoTime();
      try {
        if (fake != null) {
          fake.close();
        }
        if (raw != null) {
          raw.close();
        }
      } catch (AssertionError e) {
        // Only the false "stuck thread" report is tolerated, and counted; anything else fails.
        if (!String.valueOf(e.getMessage()).contains("did not stop within")) {
          throw e;
        }
        footprint.stopsReportingStuckThreads = perIteration;
      } finally {
        footprint.stopMillis = (System.nanoTime() - stopStart) / 1e6 * perIteration;
        fake = null;
        raw = null;
      }
      footprint.heapBytesPerConnection = (heapHeld - Memory.heapAfterGc()) * perIteration / connections;
    }
  }

  /** Reads the client's next line; its watchdog bounds the wait by ending the process (EOF). */
  private String expect(String line) throws IOException {
    String got = clientOutput.readLine();
    if (!line.equals(got)) {
      throw new IllegalStateException("the client process said " + got + " instead of " + line);
    }
    return got;
  }
}
