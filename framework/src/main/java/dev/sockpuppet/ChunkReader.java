package dev.sockpuppet;

import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * One connection's reads into its recording: each read becomes a chunk, end-of-stream a
 * half-close event, an error a reset event. Works in blocking and non-blocking mode. The read
 * buffer starts small, so an idle connection costs little, and doubles while reads fill it.
 */
final class ChunkReader {
  private static final int FIRST_READ_BUFFER = 8 * 1024;
  private static final int LARGEST_READ_BUFFER = 256 * 1024;

  private final SocketChannel channel;
  private final Connection connection;
  private final Recorder recorder;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(FIRST_READ_BUFFER);
  private int lastCapacity;
  private boolean endOfStream;
  private boolean reset;

  ChunkReader(SocketChannel channel, Connection connection, Recorder recorder) {
    this.channel = channel;
    this.connection = connection;
    this.recorder = recorder;
  }

  /**
   * Reads once and records what it read. Returns the chunk, or null when nothing was read: then
   * {@link #endOfStream()} or {@link #wasReset()} tell whether the input ended, and otherwise no
   * bytes were available (non-blocking mode).
   *
   * @throws ClosedChannelException when the fake closed the channel (also asynchronously)
   */
  Chunk read() throws ClosedChannelException {
    if (endOfStream || reset) {
      return null;
    }
    buffer.clear();
    lastCapacity = buffer.capacity();
    int read;
    try {
      read = channel.read(buffer);
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      reset = true;
      connection.event(Kind.RESET, Side.PEER, String.valueOf(e.getMessage()));
      return null;
    }
    if (read < 0) {
      endOfStream = true;
      connection.event(Kind.HALF_CLOSED, Side.PEER, "");
      return null;
    }
    if (read == 0) {
      return null;
    }
    buffer.flip();
    Chunk chunk;
    try {
      chunk = connection.recordReceived(recorder.store(buffer));
    } catch (IOException e) {
      // The spill file failed (a full disk): the fake cannot keep its promise to record everything.
      throw new java.io.UncheckedIOException(connection + " could not record what it read", e);
    }
    if (read == buffer.capacity() && buffer.capacity() < LARGEST_READ_BUFFER) {
      // A full buffer means more was waiting; larger reads make fewer, larger chunks.
      buffer = ByteBuffer.allocateDirect(buffer.capacity() * 2);
    }
    return chunk;
  }

  /** Whether {@code chunk}, the last one read, filled the read buffer it was read into. */
  boolean filledBuffer(Chunk chunk) {
    return chunk.size() >= lastCapacity;
  }

  boolean endOfStream() {
    return endOfStream;
  }

  boolean wasReset() {
    return reset;
  }
}
