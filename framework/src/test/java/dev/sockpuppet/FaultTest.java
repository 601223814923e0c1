package dev.sockpuppet;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.engine.Joiner;
import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Every fault on TCP and on Unix-domain sockets, in both directions, under canned responders
 * (blocking reads) and handlers (selecting reads), seen by a plain JDK client. Timing is checked
 * only as generous lower bounds (a delay is at least what was configured) and factors.
 */
class FaultTest {
  /** Bounds every wait of a client and every close; far below the 60 s pauses that close must end. */
  private static final Duration BOUND = Joiner.GRACE.multipliedBy(10);
  private static final Duration MINUTE = Duration.ofSeconds(60);

  /** The cases every stream fake passes, whatever its socket. */
  abstract static class EveryChannel {
    /** A started server named {@code name} with {@code responder} and {@code faults}. */
    abstract StreamServer responding(String name, Duration timeout, Responder responder, Fault... faults);

    /** A started server named {@code name} with {@code handler} and {@code faults}. */
    abstract StreamServer handling(String name, Handler handler, Fault... faults);

    StreamServer responding(String name, Responder responder, Fault... faults) {
      return responding(name, StreamServer.DEFAULT_TIMEOUT, responder, faults);
    }

    @Test
    void latencyDelaysWhatTheFakeSends() throws Exception {
      try (StreamServer server = responding("latency", Responder.reply("pong"), Fault.latency(Duration.ofMillis(300)));
          Client client = Client.of(server)) {
        long start = System.nanoTime();
        client.send("ping");
        assertEquals("pong", client.readExactly(4));
        assertAtLeast(Duration.ofMillis(300), start, "the reply with a latency of 300 ms");
        assertThat(server.awaitConnection()).sentExactly("pong");
      }
    }

    @Test
    void latencyWithJitterDelaysWhatTheProgramSendsToAHandler() throws Exception {
      Fault fault = Fault.latency(Duration.ofMillis(300)).withJitter(Duration.ofMillis(100)).fromProgram();
      try (StreamServer server = handling("latency-in", c -> c.writeLine(c.readLine()), fault);
          Client client = Client.of(server)) {
        long start = System.nanoTime();
        client.send("ping\n");
        assertEquals("ping\n", client.readExactly(5));
        assertAtLeast(Duration.ofMillis(200), start, "the echo with a latency of 300 ± 100 ms");
        assertThat(server.awaitConnection()).receivedExactly("ping\n");
      }
    }

    @Test
    void bandwidthLimitsWhatTheFakeSends() throws Exception {
      String reply = text(40_000);
      try (StreamServer server =
              responding("slow-line", Responder.replyAndClose(reply), Fault.bandwidth(100_000));
          Client client = Client.of(server)) {
        long start = System.nanoTime();
        client.send("go");
        assertEquals(reply, client.readToEnd().text());
        assertRateWithinAFactor(40_000, 100_000, start);
        assertThat(server.awaitConnection()).sentExactly(reply);
      }
    }

    @Test
    void bandwidthLimitsWhatTheFakeReadsFromTheProgram() throws Exception {
      String request = text(20_000);
      try (StreamServer server =
              handling("slow-in", c -> c.write(c.readExactly(request.length()).size() + " read"),
                  Fault.bandwidth(50_000).fromProgram());
          Client client = Client.of(server)) {
        long start = System.nanoTime();
        client.send(request);
        assertEquals("20000 read", client.readExactly(10));
        assertRateWithinAFactor(20_000, 50_000, start);
        assertThat(server.awaitConnection()).receivedExactly(request);
      }
    }

    @Test
    void slicesArriveIntactAfterTheirPauses() throws Exception {
      String reply = text(700);
      try (StreamServer server =
              responding("sliced", Responder.replyAndClose(reply), Fault.slice(7, Duration.ofMillis(1)));
          Client client = Client.of(server)) {
        long start = System.nanoTime();
        client.send("go");
        assertEquals(reply, client.readToEnd().text());
        assertAtLeast(Duration.ofMillis(99), start, "100 slices 1 ms apart");
        assertThat(server.awaitConnection()).sentExactly(reply);
      }
    }

    @Test
    void slicesFromTheProgramAreRecordedAsChunksOfAtMostTheSliceSize() throws Exception {
      String request = "twenty-three bytes long";
      try (StreamServer server = responding("sliced-in", Responder.sink(), Fault.slice(5, Duration.ZERO).fromProgram());
          Client client = Client.of(server)) {
        client.send(request);
        Connection connection = server.awaitConnection().awaitReceived(request);
        List<Integer> sizes = connection.chunks(Direction.RECEIVED).stream().map(c -> (int) c.size()).toList();
        assertTrue(sizes.stream().allMatch(size -> size <= 5), "chunks of at most 5 bytes: " + sizes);
        assertThat(connection).receivedExactly(request);
      }
    }

    @Test
    void closeAfterSendsExactlyTheLimitAndTheProgramReadsTheEnd() throws Exception {
      try (StreamServer server = responding("limited", Responder.reply("0123456789ABCDEF"), Fault.closeAfter(10));
          Client client = Client.of(server)) {
        client.send("go");
        Client.Outcome outcome = client.readToEnd();
        assertEquals("0123456789", outcome.text());
        assertEquals(null, outcome.error(), "end-of-stream, not an error");
        Connection connection = server.awaitConnection().awaitClosed();
        assertThat(connection).sentExactly("0123456789");
        assertEquals(6, connection.undeliveredBytes());
        assertEvent(connection, Kind.CLOSED, "fault: close after 10 bytes towards the program");
      } // close() verifies: the responder's failed write is the fault's doing, not a problem
    }

    @Test
    void closeAfterFromTheProgramRecordsExactlyTheLimitAndTheHandlersFailedReadIsNoProblem() throws Exception {
      try (StreamServer server = handling("limited-in", c -> c.readExactly(100), Fault.closeAfter(10).fromProgram());
          Client client = Client.of(server)) {
        client.send("0123456789ABCDEFGHIJKLMNO");
        client.readToEnd(); // end-of-stream or a reset: the fake closed with bytes unread
        Connection connection = server.awaitConnection().awaitClosed();
        assertThat(connection).receivedExactly("0123456789");
        assertEvent(connection, Kind.CLOSED, "fault: close after 10 bytes from the program");
        server.verify();
      }
    }

    @Test
    void resetAfterFromTheProgramRecordsExactlyTheLimitThenTheReset() throws Exception {
      try (StreamServer server = responding("reset-in", Responder.echo(), Fault.resetAfter(4).fromProgram());
          Client client = Client.of(server)) {
        client.send("abcdefgh");
        client.readToEnd();
        Connection connection = server.awaitConnection().awaitClosed();
        assertThat(connection).receivedExactly("abcd").wasResetBy(Side.FAKE).sentNothing();
        assertEvent(connection, Kind.RESET, "fault: reset after 4 bytes from the program");
        String transcript = connection.transcript();
        assertTrue(transcript.indexOf("reset by fake") > transcript.indexOf("61 62 63 64"),
            "the bytes come before the reset they caused:\n" + transcript);
      }
    }

    @Test
    void aStallHoldsWhatTheFakeSendsPastTheFakesWriteTimeoutWithoutReportingAProblem() throws Exception {
      Duration timeout = Duration.ofMillis(200);
      try (StreamServer server = responding("stalled", timeout, Responder.reply("never"), Fault.stall());
          Client client = Client.of(server)) {
        client.send("go");
        Connection connection = server.awaitConnection().awaitReceived("go");
        awaitPausedInAFault("sockpuppet-stalled-conn-0"); // the reply is held
        assertFalse(client.readyWithin(timeout.multipliedBy(3)), "nothing arrives, well past the fake's write timeout");
        assertThat(connection).isOpen().sentNothing(); // what is held is not on record as sent
        assertTimeoutPreemptively(BOUND, server::close); // and no "the program read nothing" problem
        assertThat(connection).sentNothing().isClosed();
        ConnectionEvent last = connection.events().get(connection.events().size() - 1);
        assertEquals(Kind.UNDELIVERED, last.kind());
        assertEquals(5, last.bytes());
        assertEquals("held by the fault \"stall towards the program\" until the fake closed the connection", last.detail());
      }
    }

    @Test
    void aStallFromTheProgramNeverReadsSoTheProgramsWritesBackUp() throws Exception {
      try (StreamServer server = responding("stalled-in", Responder.sink(), Fault.stall().fromProgram());
          Client client = Client.of(server)) {
        long sent = client.sendUntilFull(64L << 20);
        assertTrue(sent < 64L << 20, "the program's writes backed up after " + sent + " bytes");
        assertThat(server.awaitConnection()).receivedNothing().isOpen();
        assertTimeoutPreemptively(BOUND, server::close);
      }
    }

    @Test
    void refuseClosesEveryConnectionBeforeTheHandlerSeesIt() throws Exception {
      AtomicInteger handled = new AtomicInteger();
      try (StreamServer server = handling("refusing", c -> handled.incrementAndGet(), Fault.refuse());
          Client client = Client.of(server)) {
        Client.Outcome outcome = client.readToEnd();
        assertEquals("", outcome.text());
        assertEquals(null, outcome.error(), "end-of-stream");
        Connection connection = server.awaitConnection().awaitClosed();
        assertEvent(connection, Kind.CLOSED, "fault: refuse (close on open)");
        server.close();
        assertEquals(0, handled.get(), "no behaviour played the refused connection");
      }
    }

    @Test
    void aFaultOnTheFirstConnectionOnlyLetsARetrySucceed() throws Exception {
      try (StreamServer server = responding("retry", Responder.replyAndClose("OK"), Fault.refuse().onConnections(0))) {
        try (Client first = Client.of(server)) {
          assertEquals("", first.readToEnd().text());
        }
        try (Client retry = Client.of(server)) {
          retry.send("hello");
          assertEquals("OK", retry.readToEnd().text());
        }
        assertEquals(2, server.connections().size());
      }
    }

    @Test
    void closeEndsEveryPausingFaultPromptlyWithoutProblemsOrThreadsLeft() throws Exception {
      List<Fault> faults = List.of(
          Fault.latency(MINUTE), Fault.slice(1, MINUTE), Fault.bandwidth(1), Fault.stall(),
          Fault.latency(MINUTE).fromProgram(), Fault.slice(1, MINUTE).fromProgram(), Fault.stall().fromProgram());
      for (Fault fault : faults) {
        String name = "pausing-" + Integer.toHexString(System.identityHashCode(fault));
        StreamServer server = responding(name, Responder.reply("xy"), fault);
        try (Client client = Client.of(server)) {
          client.send("go");
          Thread connection = awaitPausedInAFault("sockpuppet-" + name + "-conn-0");
          long start = System.nanoTime();
          assertTimeoutPreemptively(BOUND, server::close, fault::toString);
          assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(MINUTE.dividedBy(6)) < 0, fault + " ended promptly");
          assertFalse(connection.isAlive(), "the connection's thread ended with close() for " + fault);
          assertTrue(server.connection(0).isClosed());
        }
      }
    }
  }

  @Nested
  class OverTcp extends EveryChannel {
    @Override
    StreamServer responding(String name, Duration timeout, Responder responder, Fault... faults) {
      return TcpServer.create().withName(name).withTimeout(timeout).withResponder(responder).withFaults(faults).start();
    }

    @Override
    StreamServer handling(String name, Handler handler, Fault... faults) {
      return TcpServer.create().withName(name).withHandler(handler).withFaults(faults).start();
    }

    @Test
    void resetAfterSendsTheLimitThenTheProgramSeesConnectionReset() throws Exception {
      try (StreamServer server = responding("reset", Responder.reply("0123456789"), Fault.resetAfter(4));
          Client client = Client.of(server)) {
        client.send("go");
        Client.Outcome outcome = client.readToEnd();
        assertNotNull(outcome.error(), "a reset, not end-of-stream");
        assertTrue(outcome.error().getMessage().contains("reset"), outcome.error().toString());
        assertTrue("0123".startsWith(outcome.text()), "at most the 4 bytes before the reset: " + outcome.text());
        Connection connection = server.awaitConnection().awaitClosed();
        assertThat(connection).sentExactly("0123").wasResetBy(Side.FAKE);
        assertEvent(connection, Kind.RESET, "fault: reset after 4 bytes towards the program");
      }
    }

    @Test
    void resetOnOpenIsSeenAsConnectionResetBeforeTheResponderGreets() throws Exception {
      try (StreamServer server =
              responding("reset-on-open", Responder.sink().withGreeting("hello\n"), Fault.reset());
          Client client = Client.of(server)) {
        Client.Outcome outcome = client.readToEnd();
        assertEquals("", outcome.text(), "no greeting");
        assertNotNull(outcome.error(), "a reset");
        assertTrue(outcome.error().getMessage().contains("reset"), outcome.error().toString());
        Connection connection = server.awaitConnection();
        assertEquals(List.of(Kind.OPENED, Kind.RESET), connection.events().stream().map(ConnectionEvent::kind).toList());
        assertEvent(connection, Kind.RESET, "fault: reset on open");
      }
    }
  }

  @Nested
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix-domain stream sockets as the fakes use them")
  class OverUnixSockets extends EveryChannel {
    @Override
    StreamServer responding(String name, Duration timeout, Responder responder, Fault... faults) {
      return UnixSocketServer.create().withName(name).withTimeout(timeout).withResponder(responder).withFaults(faults)
          .start();
    }

    @Override
    StreamServer handling(String name, Handler handler, Fault... faults) {
      return UnixSocketServer.create().withName(name).withHandler(handler).withFaults(faults).start();
    }

    @Test
    void resetAfterIsACloseOnASocketWithoutResets() throws Exception {
      try (StreamServer server = responding("reset", Responder.reply("0123456789"), Fault.resetAfter(4));
          Client client = Client.of(server)) {
        client.send("go");
        assertEquals("0123", client.readToEnd().text());
        Connection connection = server.awaitConnection().awaitClosed();
        assertThat(connection).sentExactly("0123").wasResetBy(Side.FAKE);
      }
    }
  }

  // ---- helpers ----

  private static void assertAtLeast(Duration expected, long startNanos, String what) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    assertTrue(took.compareTo(expected) >= 0, what + " took " + took.toMillis() + " ms, less than " + expected.toMillis() + " ms");
  }

  /** Not faster than 1.5 times the limit (a lower bound on time), nor slower than a tenth of it. */
  private static void assertRateWithinAFactor(long bytes, long bytesPerSecond, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = bytes / seconds;
    assertTrue(rate <= bytesPerSecond * 1.5, bytes + " bytes in " + seconds + " s: " + rate + " bytes/s, limit " + bytesPerSecond);
    assertTrue(rate >= bytesPerSecond / 10.0, bytes + " bytes in " + seconds + " s: far below " + bytesPerSecond);
  }

  private static void assertEvent(Connection connection, Kind kind, String detail) {
    assertTrue(
        connection.events().stream().anyMatch(e -> e.kind() == kind && e.side() == Side.FAKE && e.detail().equals(detail)),
        kind + " by the fake (" + detail + ") in " + connection.events());
  }

  /** Printable ASCII of {@code length} bytes, so a wrong offset shows. */
  static String text(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append((char) ('!' + i % 90));
    }
    return out.toString();
  }

  /** Waits until the thread named {@code name} waits in one of the fault wrapper's pauses. */
  static Thread awaitPausedInAFault(String name) {
    return Awaitility.await(name + " to pause in a fault").atMost(BOUND)
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(
        // The library's registry: a connection thread may be virtual, which getAllStackTraces() omits.
        () -> Threads.live().stream()
            .filter(thread -> thread.getName().equals(name))
            .filter(thread -> Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().endsWith(".FaultyTransport") && frame.getMethodName().equals("pause")))
            .findFirst().orElse(null),
        thread -> thread != null);
  }

  /** A program's connection: a non-blocking JDK channel whose every wait is bounded. */
  static final class Client implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;

    private Client(SocketChannel channel) throws IOException {
      this.channel = channel;
      channel.configureBlocking(false);
      this.selector = Selector.open();
    }

    static Client of(StreamServer server) throws IOException {
      return new Client(SocketChannel.open(server.address()));
    }

    void send(String text) throws IOException {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (bytes.hasRemaining()) {
        if (channel.write(bytes) == 0) {
          assertTrue(System.nanoTime() - deadline < 0, "the fake took " + bytes.position() + " bytes in " + BOUND);
          select(SelectionKey.OP_WRITE, 10);
        }
      }
    }

    /** Writes until the socket takes nothing more for 200 ms, or {@code most} bytes; returns how many went. */
    long sendUntilFull(long most) throws IOException {
      ByteBuffer block = ByteBuffer.allocate(64 * 1024);
      long sent = 0;
      while (sent < most) {
        int now = channel.write(block.clear());
        sent += now;
        if (now == 0 && select(SelectionKey.OP_WRITE, 200) == 0) {
          return sent;
        }
      }
      return sent;
    }

    /** Whether anything (bytes or the end) arrives within {@code wait}. */
    boolean readyWithin(Duration wait) throws IOException {
      return select(SelectionKey.OP_READ, wait.toMillis()) > 0;
    }

    String readExactly(int count) throws IOException {
      ByteBuffer into = ByteBuffer.allocate(count);
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (into.hasRemaining()) {
        int read = channel.read(into);
        assertTrue(read >= 0, "the stream ended after " + into.position() + " of " + count + " bytes");
        if (read == 0) {
          assertTrue(System.nanoTime() - deadline < 0, into.position() + " of " + count + " bytes in " + BOUND);
          select(SelectionKey.OP_READ, 10);
        }
      }
      return new String(into.array(), StandardCharsets.US_ASCII);
    }

    /** What arrived until the end of the stream or an error, within {@link #BOUND}. */
    Outcome readToEnd() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (true) {
        int read;
        try {
          read = channel.read(buffer.clear());
        } catch (IOException e) {
          return new Outcome(out.toString(StandardCharsets.US_ASCII), e);
        }
        if (read < 0) {
          return new Outcome(out.toString(StandardCharsets.US_ASCII), null);
        }
        out.write(buffer.array(), 0, read);
        if (read == 0) {
          assertTrue(System.nanoTime() - deadline < 0, "no end within " + BOUND + " after " + out.size() + " bytes");
          select(SelectionKey.OP_READ, 10);
        }
      }
    }

    private int select(int operation, long millis) throws IOException {
      SelectionKey key = channel.register(selector, operation);
      try {
        return selector.select(Math.max(1, millis));
      } finally {
        selector.selectedKeys().clear();
        key.interestOps(0);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        selector.close();
      } finally {
        channel.close();
      }
    }

    /** The bytes a client read, and the error that ended its reading (null: end-of-stream). */
    record Outcome(String text, IOException error) {}
  }
}
