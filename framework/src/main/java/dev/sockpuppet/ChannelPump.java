package dev.sockpuppet;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Reading and waiting for a connection that a {@link Handler} plays. The handler's own thread
 * reads the socket, in non-blocking mode with a selector, so that a read can wait with a timeout
 * (blocking channels cannot) and no second thread has to hand each chunk over (which cost a
 * thread wake-up per message). Every byte read is recorded before the handler sees it.
 *
 * <p>Reads belong to the handler's thread; {@link #awaitWritable()} is called under the
 * connection's write lock; {@link #close()} may come from any thread and wakes a waiting one.
 */
final class ChannelPump implements AutoCloseable {
  private final SocketChannel channel;
  private final Connection connection;
  private final ChunkReader reader;
  private final Selector readable;
  private volatile Selector writable;

  private ChannelPump(SocketChannel channel, Connection connection, Recorder recorder, Selector readable) {
    this.channel = channel;
    this.connection = connection;
    this.reader = new ChunkReader(channel, connection, recorder);
    this.readable = readable;
  }

  /** Switches {@code channel} to non-blocking mode and registers it for reading. */
  static ChannelPump open(SocketChannel channel, Connection connection, Recorder recorder) throws IOException {
    channel.configureBlocking(false);
    // The channel's own provider: junixsocket channels only register with junixsocket selectors.
    Selector readable = channel.provider().openSelector();
    try {
      channel.register(readable, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      readable.close();
      throw e;
    }
    return new ChannelPump(channel, connection, recorder, readable);
  }

  /**
   * Waits up to {@code nanos} for bytes (or the end of the input) and records what arrived. Costs
   * a {@code select} and usually one {@code read}: the selector answers at once when bytes are
   * already waiting, so there is no need to try a read first.
   */
  void fill(long nanos) throws IOException {
    if (connection.inputEnded()) {
      return;
    }
    try {
      readable.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
      readable.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException();
    }
    for (Chunk chunk; (chunk = reader.read()) != null; ) {
      if (!reader.filledBuffer(chunk)) {
        // A read that did not fill the buffer took all there was; another would find nothing.
        break;
      }
    }
  }

  /** Reads and records until nothing more is available without waiting; returns the byte count. */
  int readAvailable() throws IOException {
    int total = 0;
    for (Chunk chunk; (chunk = reader.read()) != null; ) {
      total += (int) chunk.size();
    }
    return total;
  }

  /** Waits until the socket can take more bytes; a full send buffer makes a write return 0. */
  void awaitWritable() throws IOException {
    try {
      if (writable == null) {
        writable = channel.provider().openSelector();
        channel.register(writable, SelectionKey.OP_WRITE);
      }
      writable.select();
      writable.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException();
    }
  }

  /**
   * Closes the selectors, which wakes a thread waiting in one and lets the closed channel's file
   * descriptor go: a registered channel is only released once its selectors let go of it.
   */
  @Override
  public void close() {
    StreamEngine.closeQuietly(readable);
    Selector write = writable;
    if (write != null) {
      StreamEngine.closeQuietly(write);
    }
  }
}
