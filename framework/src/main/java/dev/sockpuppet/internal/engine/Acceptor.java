package dev.sockpuppet.internal.engine;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Takes the connections of a listening fake and hands each to its engine: the selector thread
 * every fake of the JVM shares ({@link SharedAcceptor}), or a thread of the fake's own ({@link
 * ThreadAcceptor}) for a channel that selector cannot watch. {@link SharedAcceptor#forChannel}
 * picks one.
 */
public interface Acceptor {
  /** What an acceptor reports to. Called on the acceptor's thread. */
  interface Listener {
    /** A connection arrived; the listener owns the channel from here on. */
    void accepted(SocketChannel channel) throws Exception;

    /** Something went wrong while accepting; {@code description} says what. */
    void failed(String description, Throwable cause);

    /**
     * Hands {@code accepted} to {@link #accepted}; if that throws, closes the channel and reports
     * it (unless the fake is stopping, which explains any failure).
     */
    default void handOver(SocketChannel accepted, boolean stopping) {
      try {
        accepted(accepted);
      } catch (Throwable e) {
        SocketTransport.closeQuietly(accepted);
        if (!stopping) {
          failed("could not set up an accepted connection", e);
        }
      }
    }
  }

  /**
   * Accepts one connection from {@code channel}: null if none waits (a non-blocking channel), the
   * channel is closed, or accepting failed, which {@code failed} is told (accepting then ends).
   */
  static SocketChannel acceptOne(ServerSocketChannel channel, java.util.function.Consumer<IOException> failed) {
    try {
      return channel.accept();
    } catch (ClosedChannelException e) {
      return null;
    } catch (IOException e) {
      failed.accept(e);
      return null;
    }
  }

  /**
   * Begins accepting on {@code channel}, reporting to {@code listener}.
   *
   * @throws IOException if the channel cannot be set up for it; the caller closes it
   */
  void start(ServerSocketChannel channel, Listener listener) throws IOException;

  /**
   * Stops accepting: closes the listening channel, and waits with {@code joiner} until no
   * connection can reach the listener any more; {@code joiner} reports a thread that does not let go.
   */
  void stop(Joiner joiner);
}
