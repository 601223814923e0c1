package dev.sockpuppet.benchmarks;

import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
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
 * Start plus stop of a datagram fake, next to the least a datagram receiver can do: bind, start a
 * thread blocked in receive, close, join it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DatagramLifecycleBenchmark {

  /** Baseline: a junixsocket datagram socket on a path in an existing directory, with a receive thread. */
  @Benchmark
  public void rawJunixsocketUnixDatagram(ScratchDirectory scratch) throws Exception {
    Path path = scratch.path().resolve("raw.sock");
    AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
    channel.bind(AFUNIXSocketAddress.of(path));
    Thread thread = receiving(channel);
    channel.close();
    thread.join();
    Files.deleteIfExists(path);
  }

  /** Baseline: a JDK UDP socket on loopback port 0, with a receive thread. */
  @Benchmark
  public void rawJdkUdp() throws Exception {
    DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread thread = receiving(channel);
    channel.close();
    thread.join();
  }

  @Benchmark
  public void unixDatagramServer() {
    UnixDatagramServer.create().start().close();
  }

  @Benchmark
  public void udpServer() {
    UdpServer.create().start().close();
  }

  @Benchmark
  public void syslogServer() {
    SyslogServer.create().start().close();
  }

  private static Thread receiving(DatagramChannel channel) {
    Thread thread = new Thread(() -> {
      try {
        channel.receive(ByteBuffer.allocate(1));
      } catch (IOException closed) {
        // closed by the benchmark
      }
    });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
