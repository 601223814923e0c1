package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A stop of a fake on a fixed port returns only once the port can be bound again.
 *
 * <p>Isolated, because "can be bound again" holds only while no process is being started: the
 * JDK's sockets are not close-on-exec, so a child the JVM forks (another test's {@code socat} or
 * {@code logger}) holds a copy of every descriptor until its launcher closes them, and a port
 * closed meanwhile stays in use for those milliseconds. Two CI passes failed that way with the
 * suite running beside this test.
 */
@Isolated("a process another test starts meanwhile holds every descriptor of the JVM for a moment")
class FixedPortReleaseTest {
  private static AcceptorHub hub(Duration linger) {
    return new AcceptorHub("test-acceptor-fixed-port", linger);
  }

  /** Takes what an acceptor hands over and closes it. */
  private static final class Closing implements Acceptor.Listener {
    @Override
    public void accepted(SocketChannel channel) throws IOException {
      channel.close();
    }

    @Override
    public void failed(String description, Throwable cause) {}
  }

  @Test
  void aStopThatMustReleaseTheAddressReturnsOnlyOnceItCanBeBoundAgain() throws Exception {
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    ServerSocketChannel first = outsideTheEphemeralRange();
    int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
    SharedAcceptor firstAcceptor = new SharedAcceptor(hub, true);
    firstAcceptor.start(first, new Closing());
    firstAcceptor.stop(new Joiner());
    // Without the wait, the JDK closes the descriptor when the hub next selects, after the stop
    // returned, and binding the port again fails ("Address already in use") in most rounds.
    for (int round = 0; round < 200; round++) {
      ServerSocketChannel again = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      SharedAcceptor acceptor = new SharedAcceptor(hub, true);
      acceptor.start(again, new Closing());
      Joiner joiner = new Joiner();
      acceptor.stop(joiner);
      Problems problems = new Problems();
      joiner.reportStuck(problems);
      assertEquals(List.of(), problems.all(), "round " + round);
    }
    try (SocketChannel refused = SocketChannel.open()) {
      assertThrows(ConnectException.class, () -> refused.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }
  }

  @Test
  void aStopFromAnInterruptedThreadStillWaitsForTheReleaseAndKeepsTheInterrupt() throws Exception {
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    ServerSocketChannel channel = outsideTheEphemeralRange();
    InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
    SharedAcceptor acceptor = new SharedAcceptor(hub, true);
    acceptor.start(channel, new Closing());
    Joiner joiner = new Joiner();
    Thread.currentThread().interrupt();
    try {
      acceptor.stop(joiner);
    } finally {
      assertTrue(Thread.interrupted(), "the caller's interrupt is kept (and cleared here)");
    }
    Problems problems = new Problems();
    joiner.reportStuck(problems);
    assertEquals(List.of(), problems.all());
    ServerSocketChannel.open().bind(address).close(); // released before the stop returned
  }

  /** The next port {@link #outsideTheEphemeralRange()} tries; each is tried once per JVM. */
  private static final AtomicInteger NEXT_FIXED_PORT = new AtomicInteger();

  /**
   * A channel bound to a port no other socket of the suite takes, for the tests that bind one port
   * again and again: below the ephemeral range, since a freed ephemeral port may go to any socket
   * that binds port 0 or connects (a test here binds two thousand in parallel), and never one
   * another test here tried, since these tests run at the same time. Either way binding the port
   * again would fail for a reason that has nothing to do with the stop.
   */
  private static ServerSocketChannel outsideTheEphemeralRange() throws IOException {
    synchronized (NEXT_FIXED_PORT) {
      if (NEXT_FIXED_PORT.get() == 0) {
        int lowestEphemeral = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
          // Read through a stream: Files.readString sizes its buffer by the file, and a /proc
          // file says it has none, so JDK 17 read only its first byte.
          try (var lines = Files.lines(range)) {
            lowestEphemeral = Integer.parseInt(lines.findFirst().orElseThrow().trim().split("\\s+")[0]);
          }
        }
        NEXT_FIXED_PORT.set(lowestEphemeral - 1 - java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000));
      }
    }
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = NEXT_FIXED_PORT.getAndDecrement();
      if (port <= 1024) {
        break;
      }
      ServerSocketChannel channel = ServerSocketChannel.open();
      try {
        return channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (java.net.BindException taken) {
        channel.close();
      }
    }
    throw new IllegalStateException("no free port below the ephemeral range");
  }

}
