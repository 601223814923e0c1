package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What both acceptors promise: whatever goes wrong while accepting is reported, accepting goes on,
 * and a stop ends it quietly.
 */
class AcceptorTest {
  /** Each acceptor kind, the shared one with a hub of its own so that the suite's fakes do not count. */
  static Stream<Arguments> acceptors() {
    return Stream.of(
        Arguments.of(Named.of("a thread of its own", (Supplier<Acceptor>) () -> new ThreadAcceptor("test-accept"))),
        Arguments.of(Named.of("the shared selector thread",
            (Supplier<Acceptor>) () -> new SharedAcceptor(new AcceptorHub("test-acceptor-hub", Duration.ofSeconds(1)), false))));
  }

  @ParameterizedTest
  @MethodSource("acceptors")
  void anErrorWhileSettingUpAConnectionIsReportedAndTheNextConnectionIsAccepted(Supplier<Acceptor> kind) throws Exception {
    OutOfMemoryError simulated = new OutOfMemoryError("simulated: unable to create native thread");
    List<String> failures = new CopyOnWriteArrayList<>();
    BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
    Acceptor acceptor = kind.get();
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      acceptor.start(listener, new Acceptor.Listener() {
        private boolean first = true;

        @Override
        public void accepted(SocketChannel channel) {
          if (first) {
            first = false;
            throw simulated;
          }
          accepted.add(channel);
        }

        @Override
        public void failed(String description, Throwable cause) {
          failures.add(description + ": " + cause);
        }
      });
      try (SocketChannel doomed = SocketChannel.open(listener.getLocalAddress());
          SocketChannel next = SocketChannel.open(listener.getLocalAddress())) {
        SocketChannel served = accepted.poll(10, TimeUnit.SECONDS);
        assertTrue(served != null, "the connection after the failed one is accepted");
        served.close();
        assertEquals(List.of("could not set up an accepted connection: " + simulated), failures);
        assertEquals(-1, doomed.read(ByteBuffer.allocate(1)), "the connection that failed to set up was closed");
      }
      Joiner joiner = new Joiner();
      acceptor.stop(joiner);
      Problems problems = new Problems();
      joiner.reportStuck(problems);
      assertTrue(problems.all().isEmpty(), "the accepting thread ended: " + problems.all());
    }
  }

  @ParameterizedTest
  @MethodSource("acceptors")
  void stoppingEndsAcceptingWithoutAReport(Supplier<Acceptor> kind) throws IOException {
    List<String> failures = new CopyOnWriteArrayList<>();
    Acceptor acceptor = kind.get();
    ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor.start(listener, new Acceptor.Listener() {
      @Override
      public void accepted(SocketChannel channel) throws IOException {
        channel.close();
      }

      @Override
      public void failed(String description, Throwable cause) {
        failures.add(description);
      }
    });
    acceptor.stop(new Joiner());
    assertFalse(listener.isOpen());
    assertEquals(List.of(), failures);
  }
}
