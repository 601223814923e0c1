package dev.sockpuppet;

import java.io.IOException;

/**
 * How a canned {@link Responder} reacts on one connection. Runs on the connection's reading thread,
 * so a canned responder costs no thread of its own; one instance per connection keeps per-
 * connection state (such as a partial line) unshared.
 */
interface Reaction {
  /** Called with each chunk right after it was recorded. */
  void received(LiveConnection connection, Bytes chunk) throws IOException;

  /** Called once when the peer shut down its output; the default closes the connection. */
  default void peerHalfClosed(LiveConnection connection) throws IOException {
    connection.close();
  }
}
