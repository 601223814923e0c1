package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.Transcripts;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The record of one accepted connection: who connected, every chunk in both directions in order,
 * and what happened to it (opened, half-closed, closed, reset).
 *
 * <pre>{@code
 * Connection connection = server.awaitConnection();
 * connection.awaitReceivedLine("HELLO");
 * assertEquals(List.of("HELLO"), connection.received().lines());
 * }</pre>
 *
 * <p>A {@code Connection} is live: the fake's threads append to it while the test reads it, and
 * every accessor returns an immutable snapshot of that moment. The {@code await…} methods wait,
 * bounded by the server's timeout, and fail with an {@link org.opentest4j.AssertionFailedError}
 * that shows what did arrive.
 */
public final class Connection {
  private final String server;
  private final int index;
  private final SocketAddress peerAddress;
  private final PeerCredentials peerCredentials;
  private final Recorder recorder;
  private final Duration timeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Chunk> chunks = new ArrayList<>();
  private final List<ConnectionEvent> events = new ArrayList<>();
  private final List<Segment> received = new ArrayList<>();
  /** {@code receivedEnds[i]} is the stream offset just past received segment i. */
  private long[] receivedEnds = new long[16];
  private final List<Segment> sent = new ArrayList<>();
  private long receivedSize;
  private long sentSize;
  private boolean peerHalfClosed;
  private boolean fakeHalfClosed;
  private boolean closed;
  private boolean reset;

  Connection(
      String server,
      int index,
      SocketAddress peerAddress,
      PeerCredentials peerCredentials,
      Recorder recorder,
      Duration timeout) {
    this.server = server;
    this.index = index;
    this.peerAddress = peerAddress;
    this.peerCredentials = peerCredentials;
    this.recorder = recorder;
    this.timeout = timeout;
    event(Kind.OPENED, Side.PEER, "");
  }

  /** The server this connection was accepted by, as messages name it, e.g. {@code TcpServer 'api'}. */
  public String server() {
    return server;
  }

  /** Position in the server's accept order, starting at 0. */
  public int index() {
    return index;
  }

  /**
   * The peer's address as the transport reported it: an {@link java.net.InetSocketAddress} for
   * TCP, a {@link java.net.UnixDomainSocketAddress} (usually unnamed) for Unix sockets.
   */
  public SocketAddress peerAddress() {
    return peerAddress;
  }

  /**
   * The peer's pid, uid and gid, for Unix-domain connections of a server built with {@code
   * withPeerCredentials()}; empty otherwise.
   */
  public Optional<PeerCredentials> peerCredentials() {
    return Optional.ofNullable(peerCredentials);
  }

  /** How long this connection's waits last: its server's timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Everything received from the peer so far, in order. */
  public Bytes received() {
    lock.lock();
    try {
      return Bytes.ofSegments(received);
    } finally {
      lock.unlock();
    }
  }

  /** Everything the fake sent to the peer so far, in order. */
  public Bytes sent() {
    lock.lock();
    try {
      return Bytes.ofSegments(sent);
    } finally {
      lock.unlock();
    }
  }

  /** Every chunk so far in both directions, in the order they happened. */
  public List<Chunk> chunks() {
    lock.lock();
    try {
      return List.copyOf(chunks);
    } finally {
      lock.unlock();
    }
  }

  /** The chunks of one direction, in order. */
  public List<Chunk> chunks(Direction direction) {
    return chunks().stream().filter(c -> c.direction() == direction).toList();
  }

  /** Opened, half-close, close and reset events so far, in order. */
  public List<ConnectionEvent> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  /** Neither closed nor reset yet. */
  public boolean isOpen() {
    lock.lock();
    try {
      return !closed && !reset;
    } finally {
      lock.unlock();
    }
  }

  /** The peer shut down its output: the fake read end-of-stream. */
  public boolean isPeerHalfClosed() {
    lock.lock();
    try {
      return peerHalfClosed;
    } finally {
      lock.unlock();
    }
  }

  /** Closed or reset, by either side. */
  public boolean isClosed() {
    return !isOpen();
  }

  /** Reset by either side. */
  public boolean wasReset() {
    lock.lock();
    try {
      return reset;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the received bytes contain {@code expected}. */
  public Connection awaitReceived(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return awaitReceived(HexDump.quoted(expected), bytes -> bytes.contains(expected));
  }

  /** Waits until the received bytes contain the UTF-8 encoding of {@code text}. */
  public Connection awaitReceived(String text) {
    Objects.requireNonNull(text, "text");
    return awaitReceived(Bytes.of(text));
  }

  /** Waits until a complete line (LF-terminated, CR stripped) equal to {@code line} arrived. */
  public Connection awaitReceivedLine(String line) {
    Objects.requireNonNull(line, "line");
    return awaitReceived("the line \"" + line + "\"", bytes -> completeLines(bytes).contains(line));
  }

  /**
   * Waits until {@code condition} holds for everything received so far.
   *
   * @param description the condition in words, for the failure message
   */
  public Connection awaitReceived(String description, Predicate<Bytes> condition) {
    Objects.requireNonNull(condition, "condition");
    Awaits.until(
        this + " to receive " + description,
        timeout,
        this::received,
        condition,
        () -> "it received " + HexDump.describe(received()));
    return this;
  }

  /** Waits until the peer has shut down its output, or the connection closed. */
  public Connection awaitPeerHalfClosed() {
    Awaits.until(
        this + " to be half-closed by its peer",
        timeout,
        () -> isPeerHalfClosed() || isClosed(),
        done -> done,
        () -> "its events were " + events());
    return this;
  }

  /** Waits until the connection is closed or reset. */
  public Connection awaitClosed() {
    Awaits.until(
        this + " to close",
        timeout,
        this::isClosed,
        done -> done,
        () -> "its events were " + events());
    return this;
  }

  /** A readable transcript of this connection: events, and each chunk as a hex dump. */
  public String transcript() {
    return Transcripts.of(this);
  }

  /** E.g. {@code TcpServer 'api' connection #0}. */
  @Override
  public String toString() {
    return server + " connection #" + index;
  }

  static List<String> completeLines(Bytes bytes) {
    List<String> lines = bytes.lines();
    if (!lines.isEmpty() && bytes.size() > 0 && bytes.byteAt(bytes.size() - 1) != '\n') {
      return lines.subList(0, lines.size() - 1);
    }
    return lines;
  }

  // ---- recording, called by the fake's own threads ----

  Chunk recordReceived(Segment segment) {
    lock.lock();
    try {
      Chunk chunk =
          new Chunk(
              Direction.RECEIVED,
              receivedSize,
              Bytes.ofSegments(new Segment[] {segment}),
              recorder.now());
      if (received.size() == receivedEnds.length) {
        receivedEnds = Arrays.copyOf(receivedEnds, receivedEnds.length * 2);
      }
      receivedSize += segment.length();
      receivedEnds[received.size()] = receivedSize;
      received.add(segment);
      chunks.add(chunk);
      return chunk;
    } finally {
      lock.unlock();
    }
  }

  void recordSent(Bytes bytes) {
    if (bytes.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      chunks.add(new Chunk(Direction.SENT, sentSize, bytes, recorder.now()));
      for (Segment segment : bytes.segments()) {
        sent.add(segment);
      }
      sentSize += bytes.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records an event unless the connection is already over; returns whether it was recorded, so
   * that a close seen by two threads is recorded once.
   */
  boolean event(Kind kind, Side side, String detail) {
    lock.lock();
    try {
      if (closed || reset) {
        return false;
      }
      switch (kind) {
        case HALF_CLOSED -> {
          if (side == Side.PEER) {
            if (peerHalfClosed) {
              return false;
            }
            peerHalfClosed = true;
          } else {
            if (fakeHalfClosed) {
              return false;
            }
            fakeHalfClosed = true;
          }
        }
        case CLOSED -> closed = true;
        case RESET -> reset = true;
        case OPENED -> {}
      }
      events.add(new ConnectionEvent(kind, side, recorder.now(), detail));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Received bytes from {@code position} on, without waiting. Costs as much as the unread part,
   * not the whole recording, so a handler reading a long stream piece by piece stays linear.
   */
  Bytes receivedFrom(long position) {
    lock.lock();
    try {
      if (position >= receivedSize) {
        return Bytes.empty();
      }
      // The first segment whose end lies beyond position holds it.
      int first = Arrays.binarySearch(receivedEnds, 0, received.size(), position);
      first = first >= 0 ? first + 1 : -first - 1;
      Bytes rest = Bytes.ofSegments(received.subList(first, received.size()));
      long firstStart = receivedEnds[first] - received.get(first).length();
      return rest.slice(position - firstStart, rest.size());
    } finally {
      lock.unlock();
    }
  }

  /** Whether no more bytes can arrive: the peer half-closed or the connection ended. */
  boolean inputEnded() {
    lock.lock();
    try {
      return peerHalfClosed || closed || reset;
    } finally {
      lock.unlock();
    }
  }

}
