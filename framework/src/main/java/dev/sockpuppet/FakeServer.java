package dev.sockpuppet;

import java.net.SocketAddress;

/**
 * A {@link Fake} with an address that the program under test connects or sends to: a TCP port, a
 * Unix socket path, a UDP port.
 *
 * <pre>{@code
 * UnixSocketServer daemon = UnixSocketServer.create().start();
 * SocketChannel.open(daemon.address());
 * }</pre>
 *
 * <p>Address accessors fail before the first {@link #start()} with a message that says to call it;
 * after a stop they keep answering with the last address.
 */
public interface FakeServer extends Fake {
  @Override
  FakeServer start();

  /**
   * The address the fake listens on.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  SocketAddress address();
}
