package dev.sockpuppet.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline every benchmark compares a fake with: a plain JDK server with the fake's thread
 * model (one accept thread, one thread per connection reading a blocking channel) that does the
 * least its job needs: discard what arrives, or echo it. It records nothing.
 */
final class RawServer implements AutoCloseable {
  /** What a connection thread does with the bytes it reads. */
  enum Behaviour {
    /** Reads into a direct buffer and drops it: the fastest a reader can be. */
    DISCARD_DIRECT,
    /** Reads into a heap buffer: the JDK copies each read out of a temporary direct buffer. */
    DISCARD_HEAP,
    /** Writes every read back. */
    ECHO,
    /**
     * Prototype of a cheaper recording, not the framework's: copies each read into 4 MiB heap
     * slabs (G1 allocates arrays that large outside the young generation, so GC never copies them)
     * instead of one new array per read.
     */
    KEEP_IN_HEAP_SLABS,
    /**
     * Writes every read to a temporary file in the default temporary directory (where spill files
     * go) on the reading thread, then deletes the file at close: the plainest way to keep every
     * byte on disk, and so the yardstick for a spilling recording on the same machine.
     */
    WRITE_TO_FILE
  }

  /**
   * Slab size of the recording prototypes: just under 4 MiB, so that with G1's 2 MiB regions (a
   * 4 GiB heap) an array plus its header fills exactly two regions instead of spilling into a third.
   */
  private static final int SLAB = 4 * 1024 * 1024 - 1024;

  /** Same as the fakes' reader threads: small stacks, since thousands may run at once. */
  private static final long STACK_BYTES = 256 * 1024;
  /** Bulk reads use the fakes' largest read buffer; echo needs only what the fakes start with. */
  private static final int DISCARD_BUFFER = 64 * 1024;
  private static final int ECHO_BUFFER = 8 * 1024;
  private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

  private final ServerSocketChannel listener;
  private final Path socketFile;
  private final Behaviour behaviour;
  private final Thread acceptor;
  private final List<SocketChannel> accepted = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  /** What the recording prototypes keep, so the memory stays reachable until close(). */
  private final List<Object> kept = new ArrayList<>();

  private RawServer(ServerSocketChannel listener, Path socketFile, Behaviour behaviour) {
    this.listener = listener;
    this.socketFile = socketFile;
    this.behaviour = behaviour;
    this.acceptor = thread("raw-accept", this::acceptLoop);
    acceptor.start();
  }

  /** Binds {@code transport} and starts the accept thread. */
  static RawServer start(Transport transport, Path unixDirectory, Behaviour behaviour) throws IOException {
    ServerSocketChannel listener = transport.bind(unixDirectory, "raw.sock");
    Path file = transport == Transport.UNIX ? unixDirectory.resolve("raw.sock") : null;
    return new RawServer(listener, file, behaviour);
  }

  SocketAddress address() throws IOException {
    return listener.getLocalAddress();
  }

  private void acceptLoop() {
    // Ends when close() closes the listener, which wakes the blocked accept().
    while (true) {
      SocketChannel channel;
      try {
        channel = listener.accept();
        if (channel.getLocalAddress() instanceof InetSocketAddress) {
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
      } catch (IOException e) {
        return;
      }
      Thread worker = thread("raw-conn", () -> serve(channel));
      synchronized (this) {
        accepted.add(channel);
        workers.add(worker);
      }
      worker.start();
    }
  }

  private void serve(SocketChannel channel) {
    ByteBuffer buffer = switch (behaviour) {
      case DISCARD_DIRECT -> ByteBuffer.allocateDirect(DISCARD_BUFFER);
      case DISCARD_HEAP -> ByteBuffer.allocate(DISCARD_BUFFER);
      case ECHO -> ByteBuffer.allocateDirect(ECHO_BUFFER);
      case KEEP_IN_HEAP_SLABS, WRITE_TO_FILE -> ByteBuffer.allocateDirect(DISCARD_BUFFER);
    };
    if (behaviour == Behaviour.KEEP_IN_HEAP_SLABS) {
      keep(channel, buffer);
      return;
    }
    if (behaviour == Behaviour.WRITE_TO_FILE) {
      writeToFile(channel, buffer);
      return;
    }
    try (channel) {
      // Ends at end-of-stream, or when close() closes the channel under the blocked read.
      while (true) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          return;
        }
        if (behaviour == Behaviour.ECHO) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
        }
      }
    } catch (ClosedChannelException e) {
      // close() ended this connection.
    } catch (IOException e) {
      // The client went away; nothing to record in a baseline.
    }
  }

  /** The recording prototypes: every byte is kept until close(), like a fake's recording. */
  private void keep(SocketChannel channel, ByteBuffer readBuffer) {
    List<Object> slabs = new ArrayList<>();
    byte[] heapSlab = new byte[SLAB];
    int heapUsed = 0;
    try (channel) {
      // Ends at end-of-stream, or when close() closes the channel under the blocked read.
      while (true) {
        readBuffer.clear();
        if (channel.read(readBuffer) < 0) {
          break;
        }
        readBuffer.flip();
        while (readBuffer.hasRemaining()) {
          if (heapUsed == SLAB) {
            slabs.add(heapSlab);
            heapSlab = new byte[SLAB];
            heapUsed = 0;
          }
          int n = Math.min(readBuffer.remaining(), SLAB - heapUsed);
          readBuffer.get(heapSlab, heapUsed, n);
          heapUsed += n;
        }
      }
      slabs.add(heapSlab);
      synchronized (this) {
        kept.add(slabs);
      }
    } catch (IOException e) {
      // close() ended this connection, or the client went away.
    }
  }

  /** The disk yardstick: every read goes to a file on this thread; the file is gone afterwards. */
  private void writeToFile(SocketChannel channel, ByteBuffer readBuffer) {
    Path file = null;
    try (channel) {
      file = Files.createTempFile("sockpuppet-raw-spill-", ".bin");
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        // Ends at end-of-stream, or when close() closes the channel under the blocked read.
        while (channel.read(readBuffer) >= 0) {
          readBuffer.flip();
          while (readBuffer.hasRemaining()) {
            out.write(readBuffer);
          }
          readBuffer.clear();
        }
      }
    } catch (IOException e) {
      // close() ended this connection, or the client went away.
    } finally {
      deleteQuietly(file);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A temporary file; the benchmark's figures do not depend on it.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    join(acceptor);
    List<SocketChannel> channels;
    List<Thread> threads;
    synchronized (this) {
      channels = List.copyOf(accepted);
      threads = List.copyOf(workers);
    }
    for (SocketChannel channel : channels) {
      channel.close();
    }
    for (Thread thread : threads) {
      join(thread);
    }
    if (socketFile != null) {
      Files.deleteIfExists(socketFile);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("baseline thread " + thread.getName() + " did not stop within " + JOIN_MILLIS + " ms");
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread thread = new Thread(null, body, name, STACK_BYTES);
    thread.setDaemon(true);
    return thread;
  }
}
