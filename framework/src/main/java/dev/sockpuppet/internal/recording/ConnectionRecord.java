package dev.sockpuppet.internal.recording;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Direction;
import dev.sockpuppet.PeerCredentials;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.AppendOnlyList;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.Lines;
import dev.sockpuppet.internal.Transcripts;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The recording of one connection, whatever carries it: the fake's threads append to it, tests read
 * it through {@link Connection}.
 *
 * <p><b>Sent bytes are exact.</b> A write is recorded by {@link #beginSent} before it starts, so the
 * program can never have read a byte that is not on record yet, and {@link #finishSent} takes the
 * part that did not leave off the record again, with an {@link Kind#UNDELIVERED} event. Writes to
 * one connection are serialised by its caller, so at most one is in progress.
 */
public final class ConnectionRecord implements Connection {
  private final String fake;
  private final int index;
  private final SocketAddress localAddress;
  private final SocketAddress peerAddress;
  private final PeerCredentials peerCredentials;
  private final Recorder recorder;
  private final Duration timeout;
  private final Instant openedAt;

  private final ReentrantLock lock = new ReentrantLock();
  private final ChunkTable chunks = new ChunkTable();
  private final List<ConnectionEvent> events = new ArrayList<>();
  private final AppendOnlyList<Segment> received = new AppendOnlyList<>();
  /** Value i is the stream offset just past received segment i. */
  private final LongColumn receivedEnds = new LongColumn();
  private final AppendOnlyList<Segment> sent = new AppendOnlyList<>();
  private long receivedSize;
  private long sentSize;
  private long undelivered;
  // Written under the lock; volatile so that the checks a connection's thread makes before every
  // read and write need no lock. Each only ever changes once, from unset to set.
  private volatile boolean peerHalfClosed;
  private volatile boolean fakeHalfClosed;
  private volatile boolean closed;
  private volatile Side resetBy;

  public ConnectionRecord(
      String fake,
      int index,
      SocketAddress localAddress,
      SocketAddress peerAddress,
      PeerCredentials peerCredentials,
      Recorder recorder,
      Duration timeout) {
    this.fake = fake;
    this.index = index;
    this.localAddress = localAddress;
    this.peerAddress = peerAddress;
    this.peerCredentials = peerCredentials;
    this.recorder = recorder;
    this.timeout = timeout;
    this.openedAt = recorder.startedAt().plus(recorder.now());
    event(Kind.OPENED, Side.PEER, "");
  }

  // ---- Connection: what tests read ----

  @Override
  public String fake() {
    return fake;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public SocketAddress peerAddress() {
    return peerAddress;
  }

  @Override
  public Optional<PeerCredentials> peerCredentials() {
    return Optional.ofNullable(peerCredentials);
  }

  @Override
  public Instant openedAt() {
    return openedAt;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Bytes received() {
    lock.lock();
    try {
      return Access.bytes().of(received);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Bytes sent() {
    lock.lock();
    try {
      return Access.bytes().of(sent);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Chunk> chunks() {
    lock.lock();
    try {
      return chunksLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The chunks and the events as they stood at one moment, taken under one lock: what an export of
   * a live connection needs, so that no event refers to a chunk it does not hold, and no chunk to
   * a close it lacks.
   */
  public Snapshot snapshot() {
    lock.lock();
    try {
      return new Snapshot(chunksLocked(), List.copyOf(events));
    } finally {
      lock.unlock();
    }
  }

  /** The chunks and events of a connection at one moment; see {@link #snapshot()}. */
  public record Snapshot(List<Chunk> chunks, List<ConnectionEvent> events) {}

  private List<Chunk> chunksLocked() {
    List<Chunk> all = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      all.add(chunks.chunk(i, received, sent));
    }
    return Collections.unmodifiableList(all);
  }

  @Override
  public List<Chunk> chunks(Direction direction) {
    return chunks().stream().filter(c -> c.direction() == direction).toList();
  }

  @Override
  public List<ConnectionEvent> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isOpen() {
    lock.lock();
    try {
      return !closed && resetBy == null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isClosed() {
    return !isOpen();
  }

  @Override
  public boolean isPeerHalfClosed() {
    lock.lock();
    try {
      return peerHalfClosed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isFakeHalfClosed() {
    lock.lock();
    try {
      return fakeHalfClosed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean wasReset() {
    return resetBy().isPresent();
  }

  @Override
  public Optional<Side> resetBy() {
    lock.lock();
    try {
      return Optional.ofNullable(resetBy);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long undeliveredBytes() {
    lock.lock();
    try {
      return undelivered;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Connection awaitReceived(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    return awaitReceived(HexDump.quoted(expected), bytes -> bytes.contains(expected));
  }

  @Override
  public Connection awaitReceived(String text) {
    Objects.requireNonNull(text, "text");
    return awaitReceived(Bytes.of(text));
  }

  @Override
  public Connection awaitReceivedLine(String line) {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(line, "line");
    Awaits.until(
        this + " to receive the line " + HexDump.quoted(Bytes.of(line)),
        timeout,
        this::received,
        bytes -> hasCompleteLine(bytes, line),
        () -> "it received " + HexDump.describe(received()).stripTrailing() + Checks.nearestLine(received(), line));
    return this;
  }

  @Override
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

  @Override
  public Connection awaitPeerHalfClosed() {
    Awaits.until(
        this + " to be half-closed by its peer",
        timeout,
        () -> isPeerHalfClosed() || isClosed(),
        done -> done,
        () -> "its events were " + events());
    return this;
  }

  @Override
  public Connection awaitClosed() {
    Awaits.until(this + " to close", timeout, this::isClosed, done -> done, () -> "its events were " + events());
    return this;
  }

  @Override
  public String transcript() {
    return Transcripts.of(this);
  }

  /** E.g. {@code TcpServer 'api' connection #0}. */
  @Override
  public String toString() {
    return fake + " connection #" + index;
  }

  /**
   * Whether {@code bytes} hold a complete line (ended by LF, a CR before it stripped) equal to
   * {@code line}; an unterminated last line is not one yet, since more may arrive. Reads the lines
   * in place, so a large recording is never decoded as a whole.
   */
  public static boolean hasCompleteLine(Bytes bytes, String line) {
    Lines.Near near = Lines.nearest(bytes, line.getBytes(StandardCharsets.UTF_8), true);
    return near != null && near.equal();
  }


  // ---- recording, called by the fake's own threads ----

  /** Records bytes the fake read, as one chunk; {@code segment} is not empty. */
  public void recordReceived(Segment segment) {
    lock.lock();
    try {
      chunks.add(Direction.RECEIVED, receivedSize, received.size(), 1, recorder.nanosNow());
      receivedSize += segment.length();
      receivedEnds.add(receivedSize);
      received.add(segment);
    } finally {
      lock.unlock();
    }
  }

  /** A write in progress, from {@link #beginSent} to {@link #finishSent}. */
  public static final class PendingSend {
    private final int chunkIndex;
    private final int segmentIndex;
    private final long offset;
    private final Bytes bytes;

    private PendingSend(int chunkIndex, int segmentIndex, long offset, Bytes bytes) {
      this.chunkIndex = chunkIndex;
      this.segmentIndex = segmentIndex;
      this.offset = offset;
      this.bytes = bytes;
    }
  }

  /**
   * Puts a write on record before it starts; {@link #finishSent} must follow. Returns null for no
   * bytes, which need no record.
   */
  public PendingSend beginSent(Bytes bytes) {
    return beginSent(bytes, System.nanoTime());
  }

  /** {@link #beginSent(Bytes)} at {@code clock}, a {@link System#nanoTime()} reading the caller made. */
  public PendingSend beginSent(Bytes bytes, long clock) {
    if (bytes.isEmpty()) {
      return null;
    }
    lock.lock();
    try {
      Segment[] segments = Access.bytes().segments(bytes);
      int chunk = chunks.add(Direction.SENT, sentSize, sent.size(), segments.length, recorder.nanosAt(clock));
      PendingSend pending = new PendingSend(chunk, sent.size(), sentSize, bytes);
      Collections.addAll(sent, segments);
      sentSize += bytes.size();
      return pending;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends a write: keeps the first {@code delivered} bytes on record and takes the rest off, with an
   * {@link Kind#UNDELIVERED} event that says why ({@code reason}).
   */
  public void finishSent(PendingSend pending, long delivered, String reason) {
    if (pending == null || delivered == pending.bytes.size()) {
      return;
    }
    lock.lock();
    try {
      // Writes are serialised, so every sent segment from the pending one on belongs to it.
      sent.truncate(pending.segmentIndex);
      sentSize = pending.offset;
      if (delivered > 0) {
        Segment[] kept = Access.bytes().segments(pending.bytes.slice(0, delivered));
        Collections.addAll(sent, kept);
        sentSize += delivered;
        chunks.setSegments(pending.chunkIndex, Direction.SENT, pending.segmentIndex, kept.length);
      } else {
        chunks.remove(pending.chunkIndex);
      }
      long missing = pending.bytes.size() - delivered;
      undelivered += missing;
      events.add(new ConnectionEvent(Kind.UNDELIVERED, Side.FAKE, recorder.now(), missing, reason));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records bytes the fake was asked to send but that never went out at all, because the
   * connection could no longer take them; {@code reason} says why.
   */
  public void refusedSend(long count, String reason) {
    if (count == 0) {
      return;
    }
    lock.lock();
    try {
      undelivered += count;
      events.add(new ConnectionEvent(Kind.UNDELIVERED, Side.FAKE, recorder.now(), count, reason));
    } finally {
      lock.unlock();
    }
  }

  /** Why nothing more can be sent, or null while the fake can still send. */
  public String outputEndedBecause() {
    Side reset = resetBy;
    if (reset != null) {
      return "the connection was reset by the " + (reset == Side.PEER ? "peer" : "fake");
    }
    if (closed) {
      return "the connection is closed";
    }
    return fakeHalfClosed ? "the fake shut down its output" : null;
  }

  /**
   * Records an event unless the connection is already over (or the half-close was recorded
   * before; a {@link Kind#PROCESS_EXITED} is recorded even then); returns whether it was recorded, so that a close seen by two threads is recorded once.
   * Whether it was recorded never decides whether a channel is closed: that always happens.
   */
  public boolean event(Kind kind, Side side, String detail) {
    lock.lock();
    try {
      // A process's exit is news about the program, not the connection: it may come after its pipes ended.
      if ((closed || resetBy != null) && kind != Kind.PROCESS_EXITED) {
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
        case RESET -> resetBy = side;
        case OPENED, PIPE_OPENED, PIPE_CLOSED, PROCESS_EXITED -> {}
        case UNDELIVERED -> throw new IllegalArgumentException("undelivered bytes are recorded by finishSent");
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
  public Bytes receivedFrom(long position) {
    lock.lock();
    try {
      if (position >= receivedSize) {
        return Bytes.empty();
      }
      // The first segment whose end lies beyond position holds it.
      int first = receivedEnds.firstAbove(position);
      long firstStart = receivedEnds.get(first) - received.get(first).length();
      int count = received.size() - first;
      Segment[] rest = new Segment[count];
      for (int i = 0; i < count; i++) {
        rest[i] = received.get(first + i);
      }
      return Access.bytes().of(rest).slice(position - firstStart, receivedSize - firstStart);
    } finally {
      lock.unlock();
    }
  }

  /** Whether no more bytes can arrive: the peer half-closed or the connection ended. */
  public boolean inputEnded() {
    return peerHalfClosed || closed || resetBy != null;
  }

}
