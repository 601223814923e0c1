package dev.sockpuppet.internal.engine;

import dev.sockpuppet.internal.recording.Segment;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.Recorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * One connection's reads into its recording: each read becomes a chunk, end-of-stream a
 * half-close event, an error a reset event. The read buffer starts small, so an idle connection
 * costs little, and doubles while reads fill it, up to a bound.
 */
final class ChunkReader {
  private static final int FIRST_READ_BUFFER = 8 * 1024;
  private static final int LARGEST_READ_BUFFER = 256 * 1024;
  /**
   * Reads at least this large may give the buffer itself to a spilling recording (see {@link
   * Recorder#storeKeeping}): bulk bytes then cross memory once, from the socket, as in a plain
   * receive loop. Smaller reads are copied: a buffer per small chunk would waste the ring.
   */
  private static final int KEEP_AT_LEAST = 64 * 1024;

  private final Transport transport;
  private final ConnectionRecord connection;
  private final Recorder recorder;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(FIRST_READ_BUFFER);
  private boolean ended;

  ChunkReader(Transport transport, ConnectionRecord connection, Recorder recorder) {
    this.transport = transport;
    this.connection = connection;
    this.recorder = recorder;
  }

  /**
   * Reads once, waiting up to {@code timeoutNanos} ({@link Transport#NO_TIMEOUT}: no limit), and
   * records what it read as one chunk. Returns the bytes read, or null when nothing was read: then {@link #ended()}
   * tells whether the input ended (end-of-stream or a reset, both recorded as events).
   *
   * @throws ClosedChannelException when the fake closed the transport (also asynchronously)
   */
  Segment read(long timeoutNanos) throws ClosedChannelException {
    return take(timeoutNanos, false);
  }

  /** {@link #read} until {@code deadlineNanos}, a {@link System#nanoTime()} value in the future. */
  Segment readBy(long deadlineNanos) throws ClosedChannelException {
    return take(deadlineNanos, true);
  }

  private Segment take(long time, boolean isDeadline) throws ClosedChannelException {
    if (ended) {
      return null;
    }
    buffer.clear();
    int read;
    try {
      read = isDeadline ? transport.readBy(buffer, time) : transport.read(buffer, time);
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      ended = true;
      connection.event(Kind.RESET, Side.PEER, String.valueOf(e.getMessage()));
      return null;
    }
    if (read < 0) {
      ended = true;
      connection.event(Kind.HALF_CLOSED, Side.PEER, "");
      return null;
    }
    if (read == 0) {
      return null;
    }
    buffer.flip();
    int capacity = buffer.capacity();
    Segment segment;
    try {
      if (read >= KEEP_AT_LEAST) {
        Recorder.Stored stored = recorder.storeKeeping(buffer);
        segment = stored.segment();
        buffer = stored.readBuffer();
      } else {
        segment = recorder.store(buffer);
      }
      connection.recordReceived(segment);
    } catch (IOException e) {
      // The spill file failed (a full disk): the fake cannot keep its promise to record everything.
      throw new UncheckedIOException(connection + " could not record what it read", e);
    }
    transport.recorded(Direction.RECEIVED);
    if (read == capacity && capacity < LARGEST_READ_BUFFER) {
      // A full buffer means more was waiting; larger reads make fewer, larger chunks.
      buffer = ByteBuffer.allocateDirect(capacity * 2);
    }
    return segment;
  }

  /** Whether the input ended: the peer half-closed or reset. */
  boolean ended() {
    return ended;
  }
}
