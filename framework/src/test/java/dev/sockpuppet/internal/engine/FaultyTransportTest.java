package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Direction;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fault wrapper over an inner transport in memory, where every piece and every timeout shows. */
class FaultyTransportTest {
  /** Far longer than any wait here should take, and far shorter than the faults' 60 s pauses. */
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Duration MINUTE = Duration.ofSeconds(60);

  private final TrafficRecord traffic = new TrafficRecord("TcpServer 'faulty'", Duration.ofSeconds(10), 64 << 20);
  private final ConnectionRecord record = traffic.openConnection(null, null, null);
  private final MemoryTransport inner = new MemoryTransport();

  @AfterEach
  void release() {
    traffic.recorder().release();
  }

  private Transport wrap(Fault... faults) {
    return FaultyTransport.wrap(inner, List.of(faults), record);
  }

  @Test
  void withoutAFaultForTheConnectionTheInnerTransportIsUsedAsItIs() {
    assertSame(inner, FaultyTransport.wrap(inner, List.of(), record));
    assertSame(inner, wrap(Fault.reset().onConnections(1, 2)), "connection #0 has no fault");
  }

  @Test
  void slicesCutEachWriteIntoPiecesOfAtMostTheSliceSize() throws IOException {
    Transport faulty = wrap(Fault.slice(7, Duration.ZERO));
    faulty.write(ascii("0123456789abcdefghij"), TimeUnit.SECONDS.toNanos(1));
    assertEquals(List.of("0123456", "789abcd", "efghij"), inner.pieces());
  }

  @Test
  void sliceDelaysSeparateThePieces() throws IOException {
    Transport faulty = wrap(Fault.slice(2, Duration.ofMillis(50)));
    long start = System.nanoTime();
    faulty.write(ascii("abcdef"), TimeUnit.SECONDS.toNanos(1));
    assertAtLeast(Duration.ofMillis(100), start, "two pauses between three pieces");
    assertEquals(List.of("ab", "cd", "ef"), inner.pieces());
  }

  @Test
  void bandwidthPacesWritesAndCutsThemIntoPiecesOfAboutFiftyMilliseconds() throws IOException {
    Transport faulty = wrap(Fault.bandwidth(10_000));
    long start = System.nanoTime();
    faulty.write(ByteBuffer.allocate(2_000), TimeUnit.SECONDS.toNanos(1));
    // 2,000 bytes at 10,000 bytes/s are 200 ms; the last of four 500-byte pieces goes at 150 ms.
    assertAtLeast(Duration.ofMillis(150), start, "the pacing of 2,000 bytes at 10,000 bytes/s");
    assertEquals(List.of(500, 500, 500, 500), inner.pieces().stream().map(String::length).toList());
  }

  @Test
  void latencyIsNotCountedAgainstTheWriteTimeout() throws IOException {
    Transport faulty = wrap(Fault.latency(Duration.ofMillis(200)));
    long start = System.nanoTime();
    faulty.write(ascii("late"), TimeUnit.MILLISECONDS.toNanos(50));
    assertAtLeast(Duration.ofMillis(200), start, "the latency");
    assertEquals(List.of("late"), inner.pieces());
    assertTrue(inner.lastWriteTimeoutNanos > TimeUnit.MILLISECONDS.toNanos(40),
        "the inner write still had the caller's timeout, not what the latency left of it: " + inner.lastWriteTimeoutNanos);
  }

  @Test
  void closeAfterSendsExactlyUpToTheLimitThenClosesWithTheFaultOnRecord() throws IOException {
    Transport faulty = wrap(Fault.closeAfter(10));
    faulty.write(ascii("01234"), TimeUnit.SECONDS.toNanos(1));
    assertTrue(faulty.isOpen());
    ByteBuffer crossing = ascii("56789abcdef");
    ClosedChannelException ended = assertThrows(ClosedChannelException.class,
        () -> faulty.write(crossing, TimeUnit.SECONDS.toNanos(1)));
    assertEquals("the fault \"close after 10 bytes towards the program\" ended the connection", ended.getMessage());
    assertEquals(6, crossing.remaining(), "the write reports how far it got");
    assertEquals("0123456789", String.join("", inner.pieces()));
    assertTrue(inner.isOpen(), "the end waits until the caller has recorded how far the write got");
    faulty.recorded(Direction.SENT);
    assertTrue(inner.outputShutDown, "a FIN goes behind the last byte");
    assertFalse(inner.isOpen());
    assertFalse(inner.wasReset);
    assertEquals("close after 10 bytes towards the program", faulty.endedByFault());
    assertEquals(new EventView(Kind.CLOSED, Side.FAKE, "fault: close after 10 bytes towards the program"), lastEvent());
  }

  @Test
  void aWriteThatReachesTheLimitExactlyEndsTheConnectionOnceRecorded() throws IOException {
    Transport faulty = wrap(Fault.resetAfter(4));
    faulty.write(ascii("0123"), TimeUnit.SECONDS.toNanos(1));
    faulty.recorded(Direction.SENT);
    assertTrue(inner.wasReset);
    assertEquals(new EventView(Kind.RESET, Side.FAKE, "fault: reset after 4 bytes towards the program"), lastEvent());
    ClosedChannelException refused =
        assertThrows(ClosedChannelException.class, () -> faulty.write(ascii("more"), TimeUnit.SECONDS.toNanos(1)));
    assertEquals("the fault \"reset after 4 bytes towards the program\" ended the connection", refused.getMessage());
    assertEquals(List.of("0123"), inner.pieces());
  }

  @Test
  void resetAfterFromTheProgramDeliversExactlyTheLimitAndResetsOnceItIsOnRecord() throws IOException {
    Transport faulty = wrap(Fault.resetAfter(5).fromProgram());
    inner.incoming.add("abc".getBytes(StandardCharsets.US_ASCII));
    inner.incoming.add("defgh".getBytes(StandardCharsets.US_ASCII));
    assertEquals("abc", readText(faulty, Transport.NO_TIMEOUT));
    faulty.recorded(Direction.RECEIVED);
    assertEquals("de", readText(faulty, Transport.NO_TIMEOUT));
    assertTrue(faulty.isOpen(), "the end waits until the last bytes are on record");
    faulty.recorded(Direction.RECEIVED);
    assertTrue(inner.wasReset);
    assertFalse(faulty.isOpen());
    assertEquals(new EventView(Kind.RESET, Side.FAKE, "fault: reset after 5 bytes from the program"), lastEvent());
    assertThrows(ClosedChannelException.class, () -> faulty.read(ByteBuffer.allocate(16), Transport.NO_TIMEOUT));
    assertEquals(List.of("fgh"), inner.incoming.stream().map(String::new).toList(), "the rest was never taken");
  }

  @Test
  void slicesFromTheProgramAreDeliveredInPiecesOfAtMostTheSliceSize() throws IOException {
    Transport faulty = wrap(Fault.slice(3, Duration.ZERO).fromProgram());
    inner.incoming.add("abcdefgh".getBytes(StandardCharsets.US_ASCII));
    assertEquals("abc", readText(faulty, Transport.NO_TIMEOUT));
    assertEquals("def", readText(faulty, Transport.NO_TIMEOUT));
    assertEquals("gh", readText(faulty, Transport.NO_TIMEOUT));
  }

  @Test
  void aBoundedReadShorterThanTheLatencyReturnsNothingAndTheBytesStayHeldForTheNextRead() throws IOException {
    Transport faulty = wrap(Fault.latency(Duration.ofMillis(300)).fromProgram());
    inner.incoming.add("held".getBytes(StandardCharsets.US_ASCII));
    long start = System.nanoTime();
    assertEquals("", readText(faulty, TimeUnit.MILLISECONDS.toNanos(20)), "not due within 20 ms");
    assertEquals("held", readText(faulty, TimeUnit.SECONDS.toNanos(10)));
    assertAtLeast(Duration.ofMillis(300), start, "the latency");
  }

  @Test
  void theEndOfTheProgramsStreamPassesThrough() throws IOException {
    Transport faulty = wrap(Fault.latency(Duration.ofMillis(1)).fromProgram());
    inner.incoming.add(new byte[0]);
    assertEquals(-1, faulty.read(ByteBuffer.allocate(8), Transport.NO_TIMEOUT));
  }

  @Test
  void resetOnOpenEndsTheConnectionInWrap() {
    Transport faulty = wrap(Fault.reset());
    assertFalse(faulty.isOpen());
    assertTrue(inner.wasReset);
    assertEquals("reset on open", faulty.endedByFault());
    assertEquals(new EventView(Kind.RESET, Side.FAKE, "fault: reset on open"), lastEvent());
  }

  @Test
  void refuseAndALimitOfZeroCloseInWrap() {
    Transport faulty = wrap(Fault.closeAfter(0).fromProgram());
    assertFalse(faulty.isOpen());
    assertFalse(inner.wasReset);
    assertEquals(new EventView(Kind.CLOSED, Side.FAKE, "fault: close after 0 bytes from the program"), lastEvent());
  }

  @Test
  void closeEndsEveryPauseAtOnce() throws Exception {
    for (Fault fault : List.of(
        Fault.latency(MINUTE), Fault.slice(1, MINUTE), Fault.bandwidth(1), Fault.stall(),
        Fault.latency(MINUTE).fromProgram(), Fault.slice(1, MINUTE).fromProgram(), Fault.stall().fromProgram())) {
      MemoryTransport memory = new MemoryTransport();
      memory.incoming.add("xy".getBytes(StandardCharsets.US_ASCII));
      Transport faulty = FaultyTransport.wrap(memory, List.of(fault), record);
      boolean reads = fault.toString().contains("from the program");
      Attempt attempt = Attempt.start(() -> {
        if (reads) {
          for (int i = 0; i < 2; i++) {
            faulty.read(ByteBuffer.allocate(8), Transport.NO_TIMEOUT);
          }
        } else {
          faulty.write(ascii("xy"), TimeUnit.SECONDS.toNanos(1));
        }
      });
      attempt.awaitPaused();
      long start = System.nanoTime();
      faulty.close();
      Throwable thrown = attempt.outcome(BOUND);
      assertTrue(thrown instanceof ClosedChannelException, fault + " ended with " + thrown);
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(BOUND) < 0, fault + " woke promptly");
    }
  }

  @Test
  void aStalledWriteIgnoresItsTimeoutAndSaysWhatHeldItWhenClosed() throws Exception {
    Transport faulty = wrap(Fault.stall());
    Attempt attempt = Attempt.start(() -> faulty.write(ascii("never"), 1));
    attempt.awaitPaused();
    // A write that honoured its 1 ns timeout would have returned rather than pause.
    assertTrue(attempt.thread.isAlive());
    faulty.close();
    Throwable thrown = attempt.outcome(BOUND);
    assertTrue(thrown instanceof ClosedChannelException, String.valueOf(thrown));
    assertEquals("held by the fault \"stall towards the program\" until the fake closed the connection", thrown.getMessage());
    assertEquals(List.of(), inner.pieces(), "nothing left");
    assertNull(faulty.endedByFault(), "the fake's close ended it, not the fault");
  }

  @Test
  void anInterruptDuringAPauseClosesTheTransportLikeAnInterruptibleChannel() throws Exception {
    Transport faulty = wrap(Fault.latency(MINUTE));
    Attempt attempt = Attempt.start(() -> faulty.write(ascii("x"), 1));
    attempt.awaitPaused();
    attempt.thread.interrupt();
    Throwable thrown = attempt.outcome(BOUND);
    assertTrue(thrown instanceof ClosedByInterruptException, String.valueOf(thrown));
    assertFalse(faulty.isOpen());
    assertFalse(inner.isOpen());
  }

  /** Something done on a thread of its own, so the test can see it pause and end it. */
  private static final class Attempt {
    final Thread thread;
    final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

    private Attempt(IoAction action) {
      thread = new Thread(() -> {
        try {
          action.run();
          outcome.complete(null);
        } catch (Throwable e) {
          outcome.complete(e);
        }
      }, "test-faulty-transport");
      thread.setDaemon(true);
    }

    static Attempt start(IoAction action) {
      Attempt attempt = new Attempt(action);
      attempt.thread.start();
      return attempt;
    }

    /** Waits until the thread waits in one of the wrapper's pauses. */
    void awaitPaused() {
      Awaitility.await(thread.getName() + " to pause in a fault").atMost(BOUND)
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() ->
          (thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING)
              && java.util.Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                  frame.getClassName().equals(FaultyTransport.class.getName()) && frame.getMethodName().equals("pause")));
    }

    Throwable outcome(Duration bound) throws Exception {
      Throwable thrown = outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      thread.join(bound.toMillis());
      return thrown;
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  private static void assertAtLeast(Duration expected, long startNanos, String what) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    assertTrue(took.compareTo(expected) >= 0, what + " took " + took + ", less than " + expected);
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String readText(Transport transport, long timeoutNanos) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    int read = transport.read(buffer, timeoutNanos);
    return new String(buffer.array(), 0, Math.max(0, read), StandardCharsets.US_ASCII);
  }

  private EventView lastEvent() {
    List<ConnectionEvent> events = record.events();
    ConnectionEvent last = events.get(events.size() - 1);
    return new EventView(last.kind(), last.side(), last.detail());
  }

  private record EventView(Kind kind, Side side, String detail) {}

  /**
   * An inner transport in memory: writes are kept piece by piece, reads come from a queue (an
   * empty array is the end of the stream) and wait until something is queued or it closes.
   */
  private static final class MemoryTransport extends TestTransport {
    final LinkedBlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
    private final List<String> pieces = new ArrayList<>();
    volatile long lastWriteTimeoutNanos;

    synchronized List<String> pieces() {
      return List.copyOf(pieces);
    }

    @Override
    public int read(ByteBuffer into, long timeoutNanos) throws IOException {
      long deadline = System.nanoTime() + (timeoutNanos == NO_TIMEOUT ? BOUND.toNanos() : timeoutNanos);
      byte[] next = null;
      while (open && next == null && System.nanoTime() - deadline < 0) {
        try {
          next = incoming.poll(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          throw new ClosedByInterruptException();
        }
      }
      if (!open) {
        throw new AsynchronousCloseException();
      }
      if (next == null) {
        return 0;
      }
      if (next.length == 0) {
        return -1;
      }
      int count = Math.min(next.length, into.remaining());
      into.put(next, 0, count);
      if (count < next.length) {
        byte[] rest = java.util.Arrays.copyOfRange(next, count, next.length);
        List<byte[]> after = new ArrayList<>(incoming);
        incoming.clear();
        incoming.add(rest);
        incoming.addAll(after);
      }
      return count;
    }

    @Override
    public synchronized void write(ByteBuffer from, long timeoutNanos) throws IOException {
      if (!open) {
        throw new AsynchronousCloseException();
      }
      lastWriteTimeoutNanos = timeoutNanos;
      byte[] piece = new byte[from.remaining()];
      from.get(piece);
      pieces.add(new String(piece, StandardCharsets.ISO_8859_1));
    }
  }
}
