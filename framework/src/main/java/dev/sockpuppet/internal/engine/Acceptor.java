package dev.sockpuppet.internal.engine;

import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Takes the connections of a listening fake and hands each to its engine. Replaceable: today a
 * thread per fake ({@link ThreadAcceptor}); a selector thread shared by every fake in the JVM can
 * take its place without the engine changing.
 */
public interface Acceptor {
  /** What an acceptor reports to. Called on the acceptor's thread. */
  interface Listener {
    /** A connection arrived; the listener owns the channel from here on. */
    void accepted(SocketChannel channel) throws Exception;

    /** Something went wrong while accepting; {@code description} says what. */
    void failed(String description, Throwable cause);
  }

  /** Begins accepting on {@code channel}, reporting to {@code listener}. */
  void start(ServerSocketChannel channel, Listener listener);

  /**
   * Stops accepting: closes the listening channel, and waits for the acceptor's thread with
   * {@code joiner}, which reports it if it does not end.
   */
  void stop(Joiner joiner);
}
