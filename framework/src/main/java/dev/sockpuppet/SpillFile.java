package dev.sockpuppet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The temporary file a recording writes to once its in-memory limit is reached. Appends come from
 * connection threads, reads from any thread; positional reads need no lock. The file is deleted
 * when the recording closes, after which reads fail with a message that says so.
 */
final class SpillFile implements AutoCloseable {
  private final String owner;
  private final Path path;
  private final FileChannel channel;
  private long size;
  private volatile boolean closed;

  private SpillFile(String owner, Path path, FileChannel channel) {
    this.owner = owner;
    this.path = path;
    this.channel = channel;
  }

  static SpillFile create(String owner) throws IOException {
    Path path = Files.createTempFile("sockpuppet-spill-", ".bin");
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      Files.deleteIfExists(path);
      throw e;
    }
    return new SpillFile(owner, path, channel);
  }

  Path path() {
    return path;
  }

  /** Appends everything remaining in {@code data} and returns the position it starts at. */
  synchronized long append(ByteBuffer data) throws IOException {
    long start = size;
    long position = start;
    while (data.hasRemaining()) {
      position += channel.write(data, position);
    }
    size = position;
    return start;
  }

  void read(long position, byte[] target, int offset, int length) throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "the recording of " + owner + " beyond its in-memory limit was on disk and was deleted"
              + " when it closed; assert before close(), or raise the limit with withMemoryLimit(…)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(target, offset, length);
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new IOException("spill file " + path + " ended early at " + at);
      }
      at += read;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
