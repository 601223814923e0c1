package dev.sockpuppet.internal.recording;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.PeerCredentials;
import dev.sockpuppet.RecordingUsage;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Transcripts;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The recording of one run of one fake: its connections and datagrams, over one {@link Recorder}.
 * Every kind of fake records here: stream servers open connections, datagram fakes record
 * datagrams, and client peers and pipes will open connections too. Tests read it through {@link
 * Traffic}.
 *
 * <p>Thread-safe: the fake's threads append while tests read snapshots.
 */
public final class TrafficRecord implements Traffic {
  private final String fake;
  private final Duration timeout;
  private final Recorder recorder;
  private final List<ConnectionRecord> connections = new ArrayList<>();
  private final DatagramLog datagrams = new DatagramLog();
  /** Datagram sends between {@link #datagramSendStarting()} and their end; guarded by this. */
  private int sendsInFlight;

  public TrafficRecord(String fake, Duration timeout, long memoryLimit) {
    this(fake, timeout, memoryLimit, null);
  }

  /**
   * A recording whose spill file reports what goes wrong on its writer thread to {@code problems}
   * (a description and the cause); null logs it only.
   */
  public TrafficRecord(String fake, Duration timeout, long memoryLimit, BiConsumer<String, Throwable> problems) {
    this.fake = fake;
    this.timeout = timeout;
    this.recorder = new Recorder(fake, memoryLimit, problems);
  }

  /** The store and clock of this recording. */
  public Recorder recorder() {
    return recorder;
  }

  /** Records a new connection, numbered in the order they open. */
  public synchronized ConnectionRecord openConnection(
      SocketAddress localAddress, SocketAddress peerAddress, PeerCredentials credentials) {
    ConnectionRecord connection =
        new ConnectionRecord(fake, connections.size(), localAddress, peerAddress, credentials, recorder, timeout);
    connections.add(connection);
    return connection;
  }

  /**
   * Records a whole datagram: every remaining byte of {@code payload}. The value returned is made
   * for the caller; the recording keeps the datagram compactly and makes equal values for {@link
   * #datagrams()}.
   */
  public Datagram recordDatagram(Direction direction, SocketAddress sender, SocketAddress receiver, ByteBuffer payload)
      throws IOException {
    Segment segment = payload.hasRemaining() ? recorder.store(payload) : null;
    Bytes bytes = segment == null ? Bytes.empty() : Access.bytes().of(new Segment[] {segment});
    int index;
    long atNanos;
    synchronized (this) {
      atNanos = recorder.nanosNow();
      index = datagrams.add(direction, sender, receiver, segment, atNanos);
    }
    return new Datagram(index, direction, sender, receiver, bytes, Duration.ofNanos(atNanos));
  }

  /** How much of the recording is in memory and how much in its spill file. */
  public RecordingUsage usage() {
    return new RecordingUsage(
        recorder.memoryLimit(),
        recorder.bytesInMemory(),
        recorder.bytesSpilled(),
        Optional.ofNullable(recorder.spillFileIfAny()).map(SpillFile::path));
  }

  @Override
  public String fake() {
    return fake;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Instant startedAt() {
    return recorder.startedAt();
  }

  @Override
  public synchronized List<Connection> connections() {
    return List.copyOf(connections);
  }

  @Override
  public Connection connection(int index) {
    List<Connection> all = connections();
    if (index < 0 || index >= all.size()) {
      throw new IndexOutOfBoundsException(
          fake + " has " + all.size() + (all.size() == 1 ? " connection" : " connections")
              + ", so there is no connection #" + index);
    }
    return all.get(index);
  }

  /**
   * A datagram is about to be handed to the operating system, which never blocks: the program may
   * have it before the send returns, so until {@link #datagramSendEnded} readers of {@link
   * #datagrams()} wait for it, and a test that saw the program get a reply always finds the reply
   * on record.
   */
  public synchronized void datagramSendStarting() {
    sendsInFlight++;
  }

  /**
   * Ends a send begun with {@link #datagramSendStarting()}: records the datagram if it left
   * ({@code payloadIfSent} not null, every remaining byte of it), then lets waiting readers go.
   */
  public void datagramSendEnded(SocketAddress sender, SocketAddress receiver, ByteBuffer payloadIfSent) throws IOException {
    try {
      if (payloadIfSent != null) {
        recordDatagram(Direction.SENT, sender, receiver, payloadIfSent);
      }
    } finally {
      synchronized (this) {
        sendsInFlight--;
        notifyAll();
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits, for at most a second, while a send is between its system call and its record (a few
   * microseconds), so that nothing the program already received is missing.
   */
  @Override
  public synchronized List<Datagram> datagrams() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    boolean interrupted = false;
    while (sendsInFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break; // a send that takes this long is stuck in the OS; show what is on record
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return datagrams.snapshot();
  }

  @Override
  public Bytes received() {
    return concat(Direction.RECEIVED);
  }

  @Override
  public Bytes sent() {
    return concat(Direction.SENT);
  }

  @Override
  public String transcript() {
    return Transcripts.of(this);
  }

  @Override
  public String toString() {
    return "traffic of " + fake;
  }

  private Bytes concat(Direction direction) {
    List<Bytes> parts = new ArrayList<>();
    for (Connection connection : connections()) {
      parts.add(direction == Direction.RECEIVED ? connection.received() : connection.sent());
    }
    return Bytes.concat(parts.toArray(new Bytes[0]));
  }
}
