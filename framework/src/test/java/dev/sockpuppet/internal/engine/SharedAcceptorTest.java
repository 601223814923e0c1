package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One selector thread accepts for many fakes, with a thread per fake's promises: whatever goes
 * wrong is reported, nothing reaches a fake after its stop, a stop is bounded, and the descriptor
 * is released. Each test has a hub of its own, so the tests run in parallel with the suite.
 */
class SharedAcceptorTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final AtomicInteger HUBS = new AtomicInteger();

  private static AcceptorHub hub(Duration linger) {
    return new AcceptorHub("test-acceptor-" + HUBS.incrementAndGet(), linger);
  }

  private static ServerSocketChannel listening() throws IOException {
    return ServerSocketChannel.open().bind(LOOPBACK);
  }

  /** Collects what an acceptor hands over and reports. */
  private static final class Recorded implements Acceptor.Listener {
    final BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void accepted(SocketChannel channel) throws Exception {
      accepted.add(channel);
    }

    @Override
    public void failed(String description, Throwable cause) {
      failures.add(description + ": " + cause);
    }
  }

  @Test
  void oneThreadAcceptsForEveryFakeRegistered() throws Exception {
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    List<SharedAcceptor> acceptors = new ArrayList<>();
    List<ServerSocketChannel> channels = new ArrayList<>();
    List<Recorded> listeners = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      SharedAcceptor acceptor = new SharedAcceptor(hub, false);
      ServerSocketChannel channel = listening();
      Recorded listener = new Recorded();
      acceptor.start(channel, listener);
      acceptors.add(acceptor);
      channels.add(channel);
      listeners.add(listener);
    }
    Thread thread = hub.thread();
    assertNotNull(thread);
    for (int i = 0; i < 40; i++) {
      try (SocketChannel client = SocketChannel.open(channels.get(i).getLocalAddress())) {
        SocketChannel served = listeners.get(i).accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(served, "fake " + i + " got its connection");
        assertEquals(client.getLocalAddress(), served.getRemoteAddress());
        served.close();
      }
      assertSame(thread, hub.thread(), "no new thread for fake " + i);
    }
    for (SharedAcceptor acceptor : acceptors) {
      acceptor.stop(new Joiner());
    }
    for (Recorded listener : listeners) {
      assertEquals(List.of(), listener.failures);
    }
  }

  @Test
  void aStopWaitsForAnAcceptInProgressAndNothingArrivesAfterIt() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    SharedAcceptor acceptor = new SharedAcceptor(hub(Duration.ofSeconds(10)), false);
    ServerSocketChannel listener = listening();
    acceptor.start(listener, new Acceptor.Listener() {
      @Override
      public void accepted(SocketChannel channel) throws Exception {
        calls.incrementAndGet();
        inListener.countDown();
        letGo.await(10, TimeUnit.SECONDS);
        channel.close();
      }

      @Override
      public void failed(String description, Throwable cause) {
        throw new AssertionError("no failure expected: " + description, cause);
      }
    });
    SocketAddressClients clients = new SocketAddressClients(listener);
    clients.connect(3);
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    AtomicReference<Throwable> stopFailure = new AtomicReference<>();
    Thread stopper = new Thread(() -> {
      try {
        acceptor.stop(new Joiner());
      } catch (Throwable e) {
        stopFailure.set(e);
      }
    }, "stopper");
    stopper.start();
    // The stop cannot finish while the hub is in this fake's listener: it waits for the fake's turn.
    // (Waiting for that, not a fixed 100 ms: a stop that had not even begun when the listener was
    // let go let the hub take the other two connections, and a loaded CI run failed so.)
    Awaitility.await("the stop to wait for the fake's turn").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Arrays.stream(stopper.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(Joiner.class.getName()) && frame.getMethodName().equals("lock")));
    assertTrue(stopper.isAlive());
    letGo.countDown();
    stopper.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(stopper.isAlive(), "the stop returned once the listener did");
    assertNull(stopFailure.get());
    // ...and once it returned, the two connections still waiting never reach the listener.
    assertEquals(1, calls.get());
    assertFalse(listener.isOpen());
    clients.close();
  }

  @Test
  void aListenerThatNeverReturnsIsReportedAndTheStopIsBounded() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    SharedAcceptor acceptor = new SharedAcceptor(hub, false);
    ServerSocketChannel listener = listening();
    acceptor.start(listener, new Acceptor.Listener() {
      @Override
      public void accepted(SocketChannel channel) throws Exception {
        inListener.countDown();
        never.await(); // until the test lets it go
        channel.close();
      }

      @Override
      public void failed(String description, Throwable cause) {}
    });
    SocketAddressClients clients = new SocketAddressClients(listener);
    clients.connect(1);
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    Joiner joiner = new Joiner();
    long start = System.nanoTime();
    acceptor.stop(joiner);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis < 5 * Joiner.GRACE.toMillis(), "the stop took " + tookMillis + " ms");
    Problems problems = new Problems();
    joiner.reportStuck(problems);
    assertEquals(1, problems.all().size(), problems.all().toString());
    Problems.Problem problem = problems.all().get(0);
    assertTrue(problem.description().contains("'" + hub.thread().getName() + "' did not finish accepting"), problem.description());
    assertTrue(java.util.Arrays.stream(problem.cause().getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith(SharedAcceptorTest.class.getName())),
        "the stack shows where it is stuck");
    assertFalse(listener.isOpen());
    never.countDown();
    clients.close();
  }

  @Test
  void startsAndStopsFromManyThreadsAtOnceAllReleaseTheirDescriptors() throws Exception {
    // Every wake of the hub must be seen, however wakes from several threads interleave with the
    // hub reading them: a lost wake leaves stopped channels registered, their descriptors open.
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    List<ServerSocketChannel> stopped = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < 500; i++) {
            ServerSocketChannel channel = listening();
            SharedAcceptor acceptor = new SharedAcceptor(hub, false);
            acceptor.start(channel, new Recorded());
            acceptor.stop(new Joiner());
            stopped.add(channel);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    Awaitility.await("every stopped channel to be deregistered, so that its descriptor is closed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> stopped.stream().noneMatch(ServerSocketChannel::isRegistered));
  }

  @Test
  void theThreadEndsOnceNothingIsRegisteredForTheLingerAndAStartBringsANewOne() throws Exception {
    AcceptorHub hub = hub(Duration.ofMillis(50));
    ServerSocketChannel channel = listening();
    SharedAcceptor acceptor = new SharedAcceptor(hub, false);
    acceptor.start(channel, new Recorded());
    Thread first = hub.thread();
    assertNotNull(first);
    acceptor.stop(new Joiner());
    Awaitility.await("the hub's thread to end").atMost(Duration.ofSeconds(10)).until(() -> !first.isAlive());
    assertNull(hub.thread());

    Recorded recorded = new Recorded();
    ServerSocketChannel next = listening();
    SharedAcceptor again = new SharedAcceptor(hub, false);
    again.start(next, recorded);
    assertNotSame(first, hub.thread());
    try (SocketChannel client = SocketChannel.open(next.getLocalAddress())) {
      assertNotNull(recorded.accepted.poll(10, TimeUnit.SECONDS), "the new thread accepts");
    }
    again.stop(new Joiner());
  }

  @Test
  void aBrokenHubTellsEveryFakeAndTheNextStartGetsAFreshOne() throws Exception {
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    Recorded one = new Recorded();
    Recorded two = new Recorded();
    SharedAcceptor first = new SharedAcceptor(hub, false);
    SharedAcceptor second = new SharedAcceptor(hub, false);
    first.start(listening(), one);
    second.start(listening(), two);
    Thread broken = hub.thread();
    hub.selectorForTests().close(); // what a selector that fails looks like to the hub's thread
    Awaitility.await("the hub's thread to end").atMost(Duration.ofSeconds(10)).until(() -> !broken.isAlive());
    for (Recorded listener : List.of(one, two)) {
      assertEquals(1, listener.failures.size(), listener.failures.toString());
      assertTrue(listener.failures.get(0).startsWith(
          "stopped accepting connections: the shared accepting thread failed: " + ClosedSelectorException.class.getName()),
          listener.failures.toString());
    }
    Recorded fresh = new Recorded();
    ServerSocketChannel channel = listening();
    SharedAcceptor third = new SharedAcceptor(hub, false);
    third.start(channel, fresh);
    try (SocketChannel client = SocketChannel.open(channel.getLocalAddress())) {
      assertNotNull(fresh.accepted.poll(10, TimeUnit.SECONDS), "a fresh thread accepts");
    }
    for (SharedAcceptor acceptor : List.of(first, second, third)) {
      acceptor.stop(new Joiner());
    }
    assertEquals(List.of(), fresh.failures);
  }

  @Test
  void aFloodedFakeDoesNotKeepTheOthersWaiting() throws Exception {
    AcceptorHub hub = hub(Duration.ofSeconds(10));
    CountDownLatch hubHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    ServerSocketChannel flooded = ServerSocketChannel.open().bind(LOOPBACK, 1_000);
    ServerSocketChannel quiet = listening();
    SharedAcceptor floodedAcceptor = new SharedAcceptor(hub, false);
    SharedAcceptor quietAcceptor = new SharedAcceptor(hub, false);
    floodedAcceptor.start(flooded, new Acceptor.Listener() {
      @Override
      public void accepted(SocketChannel channel) throws Exception {
        if (order.isEmpty()) {
          hubHeld.countDown();
          release.await(10, TimeUnit.SECONDS); // holds the hub while the backlogs fill
        }
        order.add("flooded");
        channel.close();
      }

      @Override
      public void failed(String description, Throwable cause) {}
    });
    quietAcceptor.start(quiet, new Acceptor.Listener() {
      @Override
      public void accepted(SocketChannel channel) throws Exception {
        order.add("quiet");
        channel.close();
      }

      @Override
      public void failed(String description, Throwable cause) {}
    });
    try (SocketAddressClients floodClients = new SocketAddressClients(flooded);
        SocketAddressClients quietClient = new SocketAddressClients(quiet)) {
      floodClients.connect(1);
      assertTrue(hubHeld.await(10, TimeUnit.SECONDS));
      floodClients.connect(400);
      quietClient.connect(1);
      release.countDown();
      Awaitility.await("every connection to be accepted").atMost(Duration.ofSeconds(30)).until(() -> order.size() == 402);
      // The hub takes at most a turn's worth (64) from one fake before it selects again, and then
      // serves every fake that is ready: the quiet one waited for two turns at most, not for 400.
      int quietAt = order.indexOf("quiet");
      assertTrue(quietAt <= 2 * 64 + 1, "the quiet fake's connection came " + quietAt + "th");
    } finally {
      floodedAcceptor.stop(new Joiner());
      quietAcceptor.stop(new Joiner());
    }
  }

  /** Clients of a listening channel, connected without waiting to be accepted. */
  private static final class SocketAddressClients implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final List<SocketChannel> open = new ArrayList<>();

    SocketAddressClients(ServerSocketChannel listener) {
      this.listener = listener;
    }

    void connect(int count) throws IOException {
      for (int i = 0; i < count; i++) {
        open.add(SocketChannel.open(listener.getLocalAddress()));
      }
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel channel : open) {
        channel.close();
      }
    }
  }
}
