package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.recording.Segment;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recording larger than its in-memory limit spills to disk and still shows every byte. */
class SpillTest {
  private static final long TOTAL = 256L * 1024 * 1024;
  private static final long LIMIT = 8L * 1024 * 1024;

  @Test
  void records256MiBThroughOneConnectionWithAn8MiBLimitAndDeletesTheSpillFileOnClose() throws IOException {
    Path spillFile;
    try (TcpServer server =
        TcpServer.create().withName("firehose").withMemoryLimit(LIMIT).withTimeout(Duration.ofMinutes(2)).start()) {
      try (SocketChannel client = SocketChannel.open(server.address())) {
        ByteBuffer block = ByteBuffer.allocate(1024 * 1024);
        for (long sent = 0; sent < TOTAL; sent += block.capacity()) {
          block.clear();
          fill(block, sent);
          block.flip();
          while (block.hasRemaining()) {
            client.write(block);
          }
        }
      }
      Connection connection = server.awaitConnection().awaitPeerHalfClosed();

      RecordingUsage usage = server.recordingUsage();
      assertTrue(usage.bytesInMemory() <= LIMIT, "in memory: " + usage);
      assertEquals(TOTAL, usage.bytesSpilled() + bytesInMemoryWithoutOverhead(connection), "spilled + in memory");
      spillFile = usage.spillFile().orElseThrow();
      assertTrue(Files.exists(spillFile));

      Bytes received = connection.received();
      assertEquals(TOTAL, received.size());
      assertEveryByte(received);

      List<Chunk> chunks = connection.chunks(Direction.RECEIVED);
      long offset = 0;
      for (Chunk chunk : chunks) {
        assertEquals(offset, chunk.offset(), "chunks follow each other without gaps");
        offset += chunk.size();
      }
      assertEquals(TOTAL, offset);
      Bytes last = chunks.get(chunks.size() - 1).bytes();
      assertEquals(Bytes.of(expected(TOTAL - last.size(), (int) last.size())), last, "a spilled chunk reads back");
    }
    assertFalse(Files.exists(spillFile), "the spill file is deleted on close");
  }

  @Test
  void spilledBytesAreNoLongerReadableAfterCloseAndTheErrorSaysWhy() throws IOException {
    Bytes received;
    try (UnixSocketServer server = UnixSocketServer.create().withName("tiny").withMemoryLimit(0).start()) {
      try (SocketChannel client = SocketChannel.open(server.address())) {
        client.write(ByteBuffer.wrap("spilled at once".getBytes()));
      }
      received = server.awaitConnection().awaitPeerHalfClosed().received();
      assertEquals("spilled at once", received.text());
    }
    IllegalStateException error = assertThrows(IllegalStateException.class, received::text);
    assertEquals(
        "the recording of UnixSocketServer 'tiny' beyond its in-memory limit was on disk and was deleted when the"
            + " fake closed; assert before close() (stop() keeps it), or raise the limit with withMemoryLimit(…)",
        error.getMessage());
  }

  private static long bytesInMemoryWithoutOverhead(Connection connection) {
    long inMemory = 0;
    for (Chunk chunk : connection.chunks()) {
      inMemory += Access.bytes().segments(chunk.bytes())[0] instanceof Segment.InMemory ? chunk.size() : 0;
    }
    return inMemory;
  }

  /** Streams the recording back and compares it with the pattern the client sent. */
  private static void assertEveryByte(Bytes received) throws IOException {
    byte[] buffer = new byte[1024 * 1024];
    try (InputStream in = received.inputStream()) {
      long position = 0;
      int read;
      while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        byte[] expected = expected(position, read);
        for (int i = 0; i < read; i++) {
          if (buffer[i] != expected[i]) {
            throw new AssertionError("byte " + (position + i) + " is " + buffer[i] + ", expected " + expected[i]);
          }
        }
        position += read;
      }
      assertEquals(TOTAL, position);
    }
  }

  /** Byte n of the stream: a mix of its offset that never repeats with a short period. */
  private static byte at(long n) {
    long x = n * 0x9E3779B97F4A7C15L;
    return (byte) (x >>> 56 ^ n >>> 20);
  }

  private static void fill(ByteBuffer block, long start) {
    for (int i = 0; i < block.capacity(); i++) {
      block.put(at(start + i));
    }
  }

  private static byte[] expected(long start, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = at(start + i);
    }
    return bytes;
  }
}
