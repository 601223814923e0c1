package dev.sockpuppet.internal.engine;

import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * An {@link Acceptor} with a thread of its own that blocks in {@code accept()}; closing the
 * listening channel is what wakes it. Every {@link Throwable} is reported to the listener: a
 * connection that could not be set up is closed and accepting goes on; an error of the listening
 * channel itself ends accepting.
 */
public final class ThreadAcceptor implements Acceptor {
  private final String threadName;
  private volatile boolean stopping;
  private ServerSocketChannel channel;
  private Thread thread;

  public ThreadAcceptor(String threadName) {
    this.threadName = threadName;
  }

  @Override
  public void start(ServerSocketChannel channel, Listener listener) {
    this.channel = channel;
    this.thread = Threads.start(threadName, () -> acceptLoop(listener));
  }

  private void acceptLoop(Listener listener) {
    try {
      while (true) {
        SocketChannel accepted = Acceptor.acceptOne(channel, e -> {
          if (!stopping) {
            listener.failed("stopped accepting connections after an error", e);
          }
        });
        if (accepted == null) {
          return; // closed by the stop, or failed
        }
        listener.handOver(accepted, stopping);
      }
    } catch (Throwable e) {
      listener.failed("the accepting thread failed", e);
    }
  }

  @Override
  public void stop(Joiner joiner) {
    stopping = true;
    SocketTransport.closeQuietly(channel);
    joiner.join(thread);
  }
}
