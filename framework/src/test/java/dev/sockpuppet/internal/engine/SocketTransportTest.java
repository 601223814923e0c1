package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.internal.engine.SocketTransport.Mode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A transport's waits are bounded, its close wakes whoever waits, and it leaves no descriptor behind. */
@Isolated("counts the process's file descriptors")
class SocketTransportTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  /** Scenarios are repeated, so that a leak of even one descriptor a round stands out from... */
  private static final int ROUNDS = 12;
  /** ...what the JVM may open on its own meanwhile (class files, JIT). */
  private static final int JVM_NOISE = 10;

  private ServerSocketChannel listener;
  private SocketChannel program;
  private SocketChannel accepted;

  @BeforeEach
  void connect() throws IOException {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    program = SocketChannel.open(listener.getLocalAddress());
    accepted = listener.accept();
  }

  @AfterEach
  void disconnect() throws IOException {
    accepted.close();
    program.close();
    listener.close();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void closeWakesABlockedReadAndAWriteThatWaitsForRoom(Mode mode) throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, mode);
    CompletableFuture<Throwable> reading = failureOf(() -> transport.read(ByteBuffer.allocate(16), Transport.NO_TIMEOUT));
    CompletableFuture<Throwable> writing = failureOf(() -> {
      ByteBuffer lots = ByteBuffer.allocate(64 * 1024 * 1024);
      transport.write(lots, TimeUnit.MINUTES.toNanos(5)); // the program never reads
    });
    awaitBlocked(reading, writing);
    transport.close();
    assertTrue(reading.get(BOUND.toSeconds(), TimeUnit.SECONDS) instanceof ClosedChannelException, "read: " + reading.get());
    assertTrue(writing.get(BOUND.toSeconds(), TimeUnit.SECONDS) instanceof ClosedChannelException, "write: " + writing.get());
    assertFalse(transport.isOpen());
    assertFalse(accepted.isOpen());
  }

  @Test
  void aBoundedReadReturnsNothingInTimeAndLeavesTheConnectionUsable() throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, Mode.SELECTING);
    ByteBuffer buffer = ByteBuffer.allocate(16);
    assertEquals(0, transport.read(buffer, TimeUnit.MILLISECONDS.toNanos(50)));
    program.write(ByteBuffer.wrap("late".getBytes()));
    assertEquals(4, transport.read(buffer, BOUND.toNanos()));
    transport.close();
  }

  @Test
  void aBlockingTransportEndsABoundedReadAtItsDeadlineAndThenReadsNoMore() throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, Mode.BLOCKING);
    ByteBuffer buffer = ByteBuffer.allocate(16);
    program.write(ByteBuffer.wrap("early".getBytes()));
    assertEquals(5, transport.read(buffer, BOUND.toNanos()), "bytes that are there come at once");
    long start = System.nanoTime();
    buffer.clear();
    assertEquals(0, transport.read(buffer, TimeUnit.MILLISECONDS.toNanos(50)), "nothing arrived in time: 0, not the end of the stream");
    long took = System.nanoTime() - start;
    assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(50), "not before the deadline: " + took + " ns");
    assertTrue(took < BOUND.toNanos(), "the watchdog ended the read: " + took + " ns");
    // The watchdog shut the input down to end the read, so the connection cannot read any more.
    program.write(ByteBuffer.wrap("late".getBytes()));
    ClosedChannelException after = assertThrows(ClosedChannelException.class, () -> transport.read(buffer, BOUND.toNanos()));
    assertEquals("the fake stopped reading this connection when a read of its timed out", after.getMessage());
    assertTrue(transport.isOpen(), "the output still works: a script's failure closes the connection itself");
    transport.write(ByteBuffer.wrap("bye".getBytes()), BOUND.toNanos());
    ByteBuffer bye = ByteBuffer.allocate(3);
    while (bye.hasRemaining()) {
      program.read(bye);
    }
    transport.close();
  }

  @Test
  void aBlockingTransportReadsWithoutWaitingWhenAskedNotToWait() throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, Mode.BLOCKING);
    ByteBuffer buffer = ByteBuffer.allocate(16);
    assertTimeoutPreemptively(BOUND, () -> assertEquals(0, transport.read(buffer, 0)), "nothing waits: 0 at once");
    program.write(ByteBuffer.wrap("ready".getBytes()));
    assertTimeoutPreemptively(BOUND, () -> {
      int read = 0;
      while (read == 0) {
        read = transport.read(buffer, 0); // the bytes may take a moment to cross loopback
      }
      assertEquals(5, read);
    });
    program.shutdownOutput();
    assertEquals(-1, transport.read(buffer, BOUND.toNanos()), "the program's end of stream, still seen");
    transport.close();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aWriteThatOverrunsItsDeadlineReturnsAndTellsExactlyHowFarItGot(Mode mode) throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, mode);
    ByteBuffer lots = ByteBuffer.allocate(64 * 1024 * 1024);
    assertTimeoutPreemptively(BOUND, () -> transport.write(lots, TimeUnit.MILLISECONDS.toNanos(200)));
    assertTrue(lots.hasRemaining(), "the program never read, yet all " + lots.capacity() + " bytes were written");
    transport.close();
    // Exactly what the transport says it wrote reaches the program, then the end of the stream.
    ByteBuffer received = ByteBuffer.allocate(16 * 1024 * 1024);
    long total = 0;
    for (int n; (n = program.read(received.clear())) >= 0; ) {
      total += n;
    }
    assertEquals(lots.position(), total);
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
  void aWriterThatWaitsWhileAnotherThreadReadsUsesATemporarySelectorThatCloseReleases() throws Exception {
    int before = openDescriptors();
    for (int round = 0; round < ROUNDS; round++) {
      try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
          SocketChannel served = listener.accept()) {
        SocketTransport transport = SocketTransport.open(served, Mode.SELECTING);
        CompletableFuture<Throwable> reading =
            failureOf(() -> transport.read(ByteBuffer.allocate(16), Transport.NO_TIMEOUT));
        CompletableFuture<Throwable> writing =
            failureOf(() -> transport.write(ByteBuffer.allocate(64 * 1024 * 1024), BOUND.toNanos()));
        awaitBlocked(reading, writing);
        transport.close();
        assertTrue(reading.get(BOUND.toSeconds(), TimeUnit.SECONDS) instanceof ClosedChannelException);
        assertTrue(writing.get(BOUND.toSeconds(), TimeUnit.SECONDS) instanceof ClosedChannelException);
      }
    }
    // A selector left open costs two descriptors a round.
    assertTrue(openDescriptors() <= before + JVM_NOISE,
        "descriptors before " + ROUNDS + " rounds: " + before + ", after: " + openDescriptors());
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
  void usingAClosedTransportOpensNothing() throws Exception {
    SocketTransport transport = SocketTransport.open(accepted, Mode.SELECTING);
    transport.close();
    int before = openDescriptors();
    for (int round = 0; round < ROUNDS; round++) {
      assertThrows(ClosedChannelException.class, () -> transport.write(ByteBuffer.allocate(1 << 20), BOUND.toNanos()));
      assertThrows(ClosedChannelException.class, () -> transport.read(ByteBuffer.allocate(1), BOUND.toNanos()));
    }
    assertTrue(openDescriptors() <= before + JVM_NOISE,
        "descriptors before " + ROUNDS + " rounds: " + before + ", after: " + openDescriptors());
  }

  @Test
  void resetClosesTheChannelEvenWhenSettingLingerFails() throws Exception {
    LingerFailingChannel channel = new LingerFailingChannel(accepted);
    SocketTransport transport = SocketTransport.open(channel, Mode.BLOCKING);
    IOException error = assertThrows(IOException.class, transport::reset);
    assertEquals("simulated: setting SO_LINGER failed", error.getMessage());
    assertFalse(channel.isOpen());
    assertFalse(accepted.isOpen(), "the real channel is closed too");
    assertFalse(transport.isOpen());
  }
  @Test
  void bytesThatLeftBeforeAWriteFailedCountAsWritten() throws Exception {
    InterruptedAsWriteReturnsChannel channel = new InterruptedAsWriteReturnsChannel(accepted);
    SocketTransport transport = SocketTransport.open(channel, Mode.BLOCKING);
    ByteBuffer line = ByteBuffer.wrap("HI\n".getBytes(StandardCharsets.US_ASCII));

    assertThrows(ClosedByInterruptException.class, () -> transport.write(line, TimeUnit.SECONDS.toNanos(5)));
    assertEquals(3, line.position(), "the 3 bytes that left are counted as written");
    ByteBuffer arrived = ByteBuffer.allocate(3);
    while (arrived.hasRemaining() && program.read(arrived) >= 0) {
      // the program reads what left
    }
    assertEquals("HI\n", new String(arrived.array(), StandardCharsets.US_ASCII));
    transport.close();
  }


  @Test
  void resetSendsRstToATcpPeer() throws Exception {
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
        SocketChannel served = listener.accept()) {
      SocketTransport.open(served, Mode.BLOCKING).reset();
      client.setSoTimeout((int) BOUND.toMillis());
      IOException error = assertThrows(IOException.class, () -> client.getInputStream().read());
      assertEquals("Connection reset", error.getMessage());
    }
  }

  /** Runs {@code body} on its own thread; completes with what it threw, or null. */
  private static CompletableFuture<Throwable> failureOf(ThrowingRunnable body) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        body.run();
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    }, "transport-test");
    thread.setDaemon(true);
    thread.start();
    return outcome;
  }

  /** Waits until both operations are under way (neither has ended), bounded. */
  private static void awaitBlocked(CompletableFuture<?> first, CompletableFuture<?> second) throws Exception {
    // An operation that ends early (a bug) completes its future; give both a moment to get there.
    try {
      CompletableFuture.anyOf(first, second).get(300, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException expected) {
      return; // both still blocked, as they should be
    }
    throw new AssertionError("an operation ended before the close: read " + first.getNow(null) + ", write " + second.getNow(null));
  }

  private static int openDescriptors() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
      return (int) entries.count();
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Delegates to a real connected channel, except that setting an option fails. */
  private static final class LingerFailingChannel extends DelegatingChannel {
    LingerFailingChannel(SocketChannel delegate) {
      super(delegate);
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
      throw new IOException("simulated: setting " + name + " failed");
    }
  }

  /**
   * Delegates to a real connected channel, except that a write sends its bytes and then throws as
   * the JDK does when the writing thread is interrupted as the call returns (a fake's stop): the
   * position has moved by what left, and the channel is closed.
   */
  private static final class InterruptedAsWriteReturnsChannel extends DelegatingChannel {
    InterruptedAsWriteReturnsChannel(SocketChannel delegate) {
      super(delegate);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      super.write(src);
      close();
      throw new ClosedByInterruptException();
    }
  }

  /** A real connected channel behind a class of the test's, to change one behaviour. */
  private abstract static class DelegatingChannel extends SocketChannel {
    private final SocketChannel delegate;

    DelegatingChannel(SocketChannel delegate) {
      super(delegate.provider());
      this.delegate = delegate;
    }

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
      delegate.bind(local);
      return this;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
      delegate.setOption(name, value);
      return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
      return delegate.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
      return delegate.supportedOptions();
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
      delegate.shutdownInput();
      return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
      delegate.shutdownOutput();
      return this;
    }

    @Override
    public Socket socket() {
      return delegate.socket();
    }

    @Override
    public boolean isConnected() {
      return delegate.isConnected();
    }

    @Override
    public boolean isConnectionPending() {
      return delegate.isConnectionPending();
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
      return delegate.connect(remote);
    }

    @Override
    public boolean finishConnect() throws IOException {
      return delegate.finishConnect();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
      return delegate.getRemoteAddress();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return delegate.write(srcs, offset, length);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
      return delegate.getLocalAddress();
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
      delegate.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
      delegate.configureBlocking(block);
    }
  }
}
