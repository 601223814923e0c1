package dev.sockpuppet.internal.engine;

import dev.sockpuppet.Bytes;
import java.io.IOException;

/**
 * How a canned {@link dev.sockpuppet.behaviour.Responder} plays one connection. Runs on the
 * connection's reading thread, so a canned responder costs no thread of its own; one instance per
 * connection keeps per-connection state (such as a partial line) unshared.
 */
public interface Reaction {
  /** Called once when the connection opened, before anything is read (a server's greeting). */
  default void opened(ConnectionIo connection) throws IOException {}

  /** Called with each chunk right after it was recorded. */
  void received(ConnectionIo connection, Bytes chunk) throws IOException;

  /** Called once when the program shut down its output; the default closes the connection. */
  default void peerHalfClosed(ConnectionIo connection) throws IOException {
    connection.close();
  }
}
