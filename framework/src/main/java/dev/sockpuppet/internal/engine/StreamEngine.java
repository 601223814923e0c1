package dev.sockpuppet.internal.engine;

import dev.sockpuppet.PeerCredentials;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The running part of a listening stream fake (TCP or Unix-domain): an {@link Acceptor}, and for
 * each accepted connection a {@link SocketTransport} played by a {@link ConnectionRunner} on a
 * thread of its own, as the {@link Behaviour} says (which also picks the transport's mode). That
 * thread is virtual where {@link Threads#startConnection} allows it.
 *
 * <p>{@link #stop()} stays bounded however the program or a handler behaves: closing a transport
 * wakes the thread blocked on it, handler threads are interrupted, and whatever does not end within
 * the {@link Joiner#GRACE grace period} is reported by name with its stack.
 */
public final class StreamEngine implements FakeCore.Running {
  /** What the transport adds to an accepted channel: options, and peer credentials if any. */
  @FunctionalInterface
  public interface ChannelSetup {
    PeerCredentials setUp(SocketChannel channel) throws IOException;
  }

  private final String threadPrefix;
  private final ServerSocketChannel serverChannel;
  private final TrafficRecord traffic;
  private final Problems problems;
  private final Duration timeout;
  private final Behaviour behaviour;
  private final ChannelSetup setup;
  private final Acceptor acceptor;
  /** How connections get threads: platform ones if user code plays them or the channels are not the JDK's. */
  private final Threads.ConnectionThreads connectionThreads;

  private final Object lock = new Object();
  private final List<Worker> workers = new ArrayList<>();
  private volatile boolean stopping;
  private volatile List<Fault> faults = List.of();

  public StreamEngine(
      String threadPrefix,
      ServerSocketChannel serverChannel,
      FakeCore.Run run,
      Duration timeout,
      Behaviour behaviour,
      ChannelSetup setup,
      boolean addressBoundAgainSoon) {
    this.threadPrefix = threadPrefix;
    this.serverChannel = serverChannel;
    this.traffic = run.traffic();
    this.problems = run.problems();
    this.timeout = timeout;
    this.behaviour = behaviour;
    this.setup = setup;
    this.acceptor = SharedAcceptor.forChannel(serverChannel, threadPrefix + "-accept", addressBoundAgainSoon);
    Threads.ConnectionThreads configured = Threads.connectionThreads(); // a bad setting fails every start
    // junixsocket's channels block in native calls, which would hold a virtual thread's carrier.
    this.connectionThreads =
        behaviour.runsUserCode() || serverChannel.provider() != SelectorProvider.provider()
            ? Threads.ConnectionThreads.PLATFORM
            : configured;
  }

  /** Plays every connection with those of {@code faults} that apply to it; call before {@link #start()}. */
  public StreamEngine withFaults(List<Fault> faults) {
    this.faults = List.copyOf(faults);
    return this;
  }

  /** Starts accepting; on failure the caller closes the channel. */
  public void start() throws IOException {
    behaviour.started(problems);
    acceptor.start(
        serverChannel,
        new Acceptor.Listener() {
          @Override
          public void accepted(SocketChannel channel) throws IOException {
            register(channel);
          }

          @Override
          public void failed(String description, Throwable cause) {
            problems.add(traffic.fake() + " " + description, cause);
          }
        });
  }

  private void register(SocketChannel channel) throws IOException {
    PeerCredentials credentials = setup.setUp(channel);
    Transport transport = SocketTransport.open(channel, behaviour.mode());
    synchronized (lock) {
      if (stopping) {
        transport.close();
        return;
      }
      ConnectionRecord record = traffic.openConnection(transport.localAddress(), transport.remoteAddress(), credentials);
      Transport played = FaultyTransport.wrap(transport, faults, record);
      if (!played.isOpen()) {
        return; // a fault reset or refused it as it opened: on record, and no behaviour plays it
      }
      ConnectionIo io = new ConnectionIo(record, played, traffic.recorder(), problems, timeout);
      ConnectionRunner runner = behaviour.runner(io, problems, () -> stopping);
      try {
        workers.add(new Worker(runner, Threads.startConnection(threadPrefix + "-conn-" + record.index(), runner, connectionThreads)));
      } catch (Throwable e) {
        // No thread (the JVM is out of them): nobody will ever read this connection.
        io.resetQuietly("the fake could not start a thread for it");
        throw e;
      }
    }
  }

  @Override
  public void stop() {
    synchronized (lock) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    Joiner joiner = new Joiner();
    acceptor.stop(joiner);
    List<Worker> all;
    synchronized (lock) {
      all = List.copyOf(workers);
    }
    for (Worker worker : all) {
      worker.runner.io().stop();
      if (worker.runner.runsHandler()) {
        // A handler may wait in its own code; an interrupt ends sleeps and latch waits.
        worker.thread.interrupt();
      }
    }
    joiner.restart();
    for (Worker worker : all) {
      joiner.join(worker.thread);
    }
    joiner.reportStuck(problems);
  }

  private record Worker(ConnectionRunner runner, Thread thread) {}
}
