package dev.sockpuppet.internal.engine;

import java.net.SocketAddress;

/**
 * What the engine's tests need of a transport in memory besides reading and writing: an open flag
 * that close() and reset() clear, and no addresses.
 */
abstract class TestTransport implements Transport {
  volatile boolean open = true;
  volatile boolean wasReset;
  volatile boolean outputShutDown;

  @Override
  public void shutdownOutput() {
    outputShutDown = true;
  }

  @Override
  public void reset() {
    wasReset = true;
    close();
  }

  @Override
  public void close() {
    open = false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public SocketAddress localAddress() {
    return null;
  }

  @Override
  public SocketAddress remoteAddress() {
    return null;
  }
}
