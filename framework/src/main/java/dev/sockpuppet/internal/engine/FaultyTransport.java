package dev.sockpuppet.internal.engine;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.Direction;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} that wraps another and applies the {@link Fault}s of one connection: the
 * faults towards the program to {@link #write}, those from the program to {@link #read}. Made by
 * {@link #wrap}, the one entry point for every kind of connection (accepted or a client peer's).
 *
 * <p><b>Waiting.</b> Every pause (latency, slices, bandwidth, a stall) waits on a condition that
 * {@link #close()}, {@link #reset()} and a fault that ends the connection signal, so it ends at
 * once; then the read or write throws a {@link ClosedChannelException}. Like the JDK's
 * interruptible channels, an interrupt during a pause closes the transport and throws {@link
 * ClosedByInterruptException}.
 *
 * <p><b>Timeouts.</b> A fault's own pauses do not count against a write's timeout, which is there
 * to notice a program that stopped reading; a stall towards the program holds a write until the
 * transport closes, whatever its timeout, since holding it is the point. A bounded read honours
 * its timeout: when a latency or pacing outlasts it, the read returns 0 and the bytes it took stay
 * held for the next read, so nothing is lost or reordered.
 *
 * <p><b>Reads from the program</b> take bytes from the inner transport into a buffer of this
 * transport's and hand them out when the faults allow: after the latency, in pieces of at most a
 * slice, paced to the bandwidth, and never beyond a byte limit, which ends the connection in
 * {@link #recorded} once the last byte is on record.
 */
public final class FaultyTransport implements Transport {
  /** Bandwidth is paced in pieces worth this fraction of a second, so a slow line dribbles. */
  private static final int BANDWIDTH_PIECES_PER_SECOND = 20;
  /** Longer pauses are this long, so that deadlines on the nanosecond clock never overflow. */
  private static final long LONGEST_PAUSE_NANOS = Duration.ofDays(10_000).toNanos();

  private final Transport inner;
  private final ConnectionRecord record;
  private final Shape towards;
  private final Shape from;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  /** Set under {@link #lock}, with {@link #woken} signalled. */
  private volatile boolean closed;
  /** The fault that ended the connection, or null. */
  private volatile String ended;

  // The writing side; the caller serialises writes.
  private final Pacer writePacer;
  private long sent;
  /** Whether {@link #beforeWrite()} held the current write; until {@code recorded(SENT)}. */
  private boolean heldBeforeWrite;
  /** The write side's byte limit was reached; the end follows once that is on record. */
  private volatile boolean writeEndPending;

  // The reading side; one reader at a time.
  private final Pacer readPacer;
  private ByteBuffer held = ByteBuffer.allocate(0);
  private long deliverAt;
  private long taken;
  private long delivered;
  /** The read side's byte limit was reached; the end follows once that is on record. */
  private volatile boolean readEndPending;

  private FaultyTransport(Transport inner, ConnectionRecord record, Shape towards, Shape from) {
    this.inner = inner;
    this.record = record;
    this.towards = towards;
    this.from = from;
    this.writePacer = new Pacer(towards);
    this.readPacer = new Pacer(from);
  }

  /**
   * {@code inner} with those of {@code faults} that apply to the connection recorded in {@code
   * record} (by its index), or {@code inner} itself when none does. A fault that acts on open
   * (reset, refuse, a limit of 0 bytes) has ended the connection when this returns: the event is on
   * record, the transport closed, and {@link #isOpen()} false, so the caller plays no behaviour.
   */
  public static Transport wrap(Transport inner, List<Fault> faults, ConnectionRecord record) {
    if (faults.isEmpty()) {
      return inner;
    }
    List<FaultSpec> specs =
        faults.stream().map(Access.faults()::spec).filter(spec -> spec.appliesTo(record.index())).toList();
    if (specs.isEmpty()) {
      return inner;
    }
    FaultyTransport faulty =
        new FaultyTransport(inner, record, Shape.of(specs, Direction.SENT), Shape.of(specs, Direction.RECEIVED));
    specs.stream().filter(FaultSpec::endsOnOpen).findFirst().ifPresent(spec -> faulty.end(spec.resets(), spec.toString()));
    return faulty;
  }

  // ---- towards the program ----

  @Override
  public void write(ByteBuffer bytes, long timeoutNanos) throws IOException {
    if (!towards.active()) {
      inner.write(bytes, timeoutNanos);
      return;
    }
    if (!bytes.hasRemaining()) {
      return;
    }
    if (ended != null || writeEndPending) {
      // After a limit, nothing more leaves; the end itself still waits for recorded(SENT).
      throw limitReached(towards);
    }
    if (!heldBeforeWrite) {
      beforeWrite(); // a caller that did not call it: held here instead
    }
    // Only time spent in the inner transport counts against the timeout; the pauses are on purpose.
    long budget = timeoutNanos;
    while (bytes.hasRemaining()) {
      pause(writePacer.readyAt(), true, null);
      int piece = towards.piece(bytes.remaining(), sent);
      int pieceEnd = bytes.position() + piece;
      int limit = bytes.limit();
      int before = bytes.position();
      long start = System.nanoTime();
      bytes.limit(pieceEnd);
      try {
        inner.write(bytes, Math.max(0, budget));
      } finally {
        bytes.limit(limit);
        sent += bytes.position() - before;
      }
      long now = System.nanoTime();
      budget -= now - start;
      writePacer.passed(bytes.position() - before, start, now);
      if (towards.limit() >= 0 && sent >= towards.limit()) {
        // The end comes in recorded(SENT), once the caller has taken what did not leave off the
        // record; the program learns of it a moment later, after the last byte either way.
        writeEndPending = true;
        if (bytes.hasRemaining()) {
          throw limitReached(towards);
        }
        return;
      }
      if (bytes.position() < pieceEnd) {
        return; // the program took nothing more in time: the caller sees what remains
      }
    }
  }

  /** Holds the write for a stall (until the transport closes) and for the latency. */
  @Override
  public void beforeWrite() throws IOException {
    if (towards.stall() != null) {
      pause(0, false, towards.stall());
    }
    if (towards.latencyNanos() > 0) {
      pause(System.nanoTime() + towards.latency(), true, null);
    }
    heldBeforeWrite = true;
  }

  // ---- from the program ----

  @Override
  public int read(ByteBuffer into, long timeoutNanos) throws IOException {
    if (!from.active()) {
      return inner.read(into, timeoutNanos);
    }
    if (readEndPending) {
      endIfPending(Direction.RECEIVED); // the last bytes are on record by now, whoever reads
    }
    if (ended != null) {
      throw closedException(null);
    }
    boolean bounded = timeoutNanos != NO_TIMEOUT;
    long deadline = System.nanoTime() + (bounded ? timeoutNanos : 0);
    if (from.stall() != null) {
      pause(deadline, bounded, null);
      return 0;
    }
    if (!into.hasRemaining()) {
      return 0;
    }
    if (!held.hasRemaining()) {
      int took = take(into.remaining(), bounded ? Math.max(0, deadline - System.nanoTime()) : NO_TIMEOUT);
      if (took <= 0) {
        return took;
      }
      deliverAt = System.nanoTime() + from.latency();
    }
    long due = later(deliverAt, readPacer.readyAt());
    if (bounded && due - deadline > 0) {
      pause(deadline, true, null);
      return 0; // not due yet: the bytes stay held for the next read
    }
    pause(due, true, null);
    int count = from.piece(Math.min(held.remaining(), into.remaining()), delivered);
    ByteBuffer piece = held.slice();
    piece.limit(count);
    into.put(piece);
    held.position(held.position() + count);
    long now = System.nanoTime();
    readPacer.passed(count, now, now);
    delivered += count;
    if (from.limit() >= 0 && delivered >= from.limit()) {
      readEndPending = true;
    }
    return count;
  }

  /** Reads from the inner transport into {@link #held}, never beyond a byte limit. */
  private int take(int room, long timeoutNanos) throws IOException {
    int capacity = from.limit() >= 0 ? (int) Math.min(room, from.limit() - taken) : room;
    if (held.capacity() < capacity) {
      held = ByteBuffer.allocate(capacity);
    }
    held.clear().limit(capacity);
    int read = 0;
    try {
      read = inner.read(held, timeoutNanos);
    } finally {
      held.flip();
    }
    taken += Math.max(0, read);
    return read;
  }

  @Override
  public void recorded(Direction direction) {
    if (direction == Direction.SENT) {
      heldBeforeWrite = false;
    }
    endIfPending(direction);
    inner.recorded(direction);
  }

  private void endIfPending(Direction direction) {
    boolean reads = direction == Direction.RECEIVED;
    if (reads ? readEndPending : writeEndPending) {
      if (reads) {
        readEndPending = false;
      } else {
        writeEndPending = false;
      }
      Shape shape = reads ? from : towards;
      end(shape.limitResets(), shape.limitDescription());
    }
  }

  // ---- ending, waiting ----

  /** Ends the connection for {@code fault}: on record first, so the transcript says why. */
  private void end(boolean reset, String fault) {
    if (ended == null) {
      ended = fault;
    }
    record.event(reset ? Kind.RESET : Kind.CLOSED, Side.FAKE, "fault: " + fault);
    markClosed();
    if (reset) {
      try {
        inner.reset();
      } catch (IOException | RuntimeException e) {
        System.getLogger(FaultyTransport.class.getName()).log(System.Logger.Level.DEBUG, "resetting " + record, e);
      }
      return;
    }
    try {
      // A FIN queued behind what was sent, so the program reads every byte and then end-of-stream.
      inner.shutdownOutput();
    } catch (IOException | RuntimeException e) {
      System.getLogger(FaultyTransport.class.getName()).log(System.Logger.Level.DEBUG, "shutting down " + record, e);
    }
    inner.close();
  }

  /**
   * Waits until the nanosecond clock reaches {@code until} (for ever if not {@code bounded}), and
   * throws at once if the transport closes meanwhile.
   *
   * @param holding the fault that holds the bytes, for the exception's message; may be null
   */
  private void pause(long until, boolean bounded, String holding) throws IOException {
    boolean interrupted = false;
    lock.lock();
    try {
      while (!closed) {
        long left = until - System.nanoTime();
        if (bounded && left <= 0) {
          return;
        }
        try {
          if (bounded) {
            woken.awaitNanos(left);
          } else {
            woken.await();
          }
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    if (interrupted) {
      close();
      Thread.currentThread().interrupt();
      throw new ClosedByInterruptException();
    }
    throw closedException(holding);
  }

  private ClosedChannelException limitReached(Shape shape) {
    String fault = ended != null ? ended : shape.limitDescription();
    return new ClosedBecause("the fault \"" + fault + "\" ended the connection");
  }

  private ClosedChannelException closedException(String holding) {
    String fault = ended;
    if (fault != null) {
      return new ClosedBecause("the fault \"" + fault + "\" ended the connection");
    }
    if (holding != null) {
      return new ClosedBecause("held by the fault \"" + holding + "\" until the fake closed the connection");
    }
    return new AsynchronousCloseException();
  }

  private void markClosed() {
    lock.lock();
    try {
      closed = true;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- the rest of Transport ----

  @Override
  public void shutdownOutput() throws IOException {
    inner.shutdownOutput();
  }

  @Override
  public void reset() throws IOException {
    markClosed();
    inner.reset();
  }

  @Override
  public void close() {
    markClosed();
    inner.close();
  }

  @Override
  public boolean isOpen() {
    return !closed && inner.isOpen();
  }

  @Override
  public String endedByFault() {
    String fault = ended;
    return fault != null ? fault : inner.endedByFault();
  }

  @Override
  public SocketAddress localAddress() {
    return inner.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return inner.remoteAddress();
  }

  @Override
  public String toString() {
    return "faulty " + inner;
  }

  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }

  private static long nanos(Duration duration) {
    return duration.compareTo(Duration.ofNanos(LONGEST_PAUSE_NANOS)) > 0 ? LONGEST_PAUSE_NANOS : duration.toNanos();
  }

  /**
   * The faults of one direction, combined: latencies add up; the lowest bandwidth, the smallest
   * slice (with the longest delay) and the smallest byte limit win (a reset over a close at the
   * same count); a stall holds everything.
   */
  private record Shape(
      long latencyNanos,
      long jitterNanos,
      long bytesPerSecond,
      int sliceBytes,
      long sliceDelayNanos,
      FaultSpec limitFault,
      String stall) {

    static Shape of(List<FaultSpec> specs, Direction direction) {
      long latency = 0;
      long jitter = 0;
      long bandwidth = 0;
      int slice = 0;
      long sliceDelay = 0;
      FaultSpec limit = null;
      String stall = null;
      for (FaultSpec spec : specs) {
        if (spec.direction() != direction) {
          continue;
        }
        switch (spec.type()) {
          case LATENCY -> {
            latency += nanos(spec.delay());
            jitter += nanos(spec.jitter());
          }
          case BANDWIDTH -> bandwidth = bandwidth == 0 ? spec.bytes() : Math.min(bandwidth, spec.bytes());
          case SLICE -> {
            slice = slice == 0 ? (int) spec.bytes() : Math.min(slice, (int) spec.bytes());
            sliceDelay = Math.max(sliceDelay, nanos(spec.delay()));
          }
          case CLOSE_AFTER, RESET_AFTER -> {
            if (limit == null || spec.bytes() < limit.bytes() || (spec.bytes() == limit.bytes() && spec.resets())) {
              limit = spec;
            }
          }
          case STALL -> stall = stall == null ? spec.toString() : stall;
          case RESET, REFUSE -> {
            // act on open, in wrap()
          }
        }
      }
      return new Shape(latency, jitter, bandwidth, slice, sliceDelay, limit, stall);
    }

    boolean active() {
      return latencyNanos > 0 || bytesPerSecond > 0 || sliceBytes > 0 || limitFault != null || stall != null;
    }

    boolean paced() {
      return bytesPerSecond > 0 || sliceBytes > 0;
    }

    /** One latency, with its jitter drawn afresh. */
    long latency() {
      return jitterNanos == 0 ? latencyNanos : latencyNanos + ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1);
    }

    long limit() {
      return limitFault == null ? -1 : limitFault.bytes();
    }

    boolean limitResets() {
      return limitFault.resets();
    }

    String limitDescription() {
      return limitFault.toString();
    }

    /** How much of {@code remaining} bytes may pass in one piece, {@code passed} having passed before. */
    int piece(int remaining, long passed) {
      long piece = remaining;
      if (sliceBytes > 0) {
        piece = Math.min(piece, sliceBytes);
      }
      if (bytesPerSecond > 0) {
        piece = Math.min(piece, Math.max(1, bytesPerSecond / BANDWIDTH_PIECES_PER_SECOND));
      }
      if (limitFault != null) {
        piece = Math.min(piece, limitFault.bytes() - passed);
      }
      return (int) piece;
    }
  }

  /** When the next piece of one direction may pass, after slice delays and bandwidth. */
  private static final class Pacer {
    private final Shape shape;
    private long next;
    private boolean started;

    Pacer(Shape shape) {
      this.shape = shape;
    }

    /** The time on the nanosecond clock from which the next piece may pass. */
    long readyAt() {
      return started ? next : System.nanoTime();
    }

    /** A piece of {@code count} bytes passed, beginning at {@code start} and done at {@code end}. */
    void passed(int count, long start, long end) {
      if (!shape.paced() || count == 0) {
        return;
      }
      long at = end;
      if (shape.bytesPerSecond > 0) {
        // From when the piece began, or from the previous due time if the line was busy since:
        // an idle line earns no burst.
        long from = started ? later(next, start) : start;
        at = from + count * 1_000_000_000L / shape.bytesPerSecond;
      }
      if (shape.sliceBytes > 0) {
        at = later(at, end + shape.sliceDelayNanos);
      }
      next = at;
      started = true;
    }
  }
}
