package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
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

      // Measured independently of the recorder's own counters: what the chunks hold in memory, and
      // what the file on disk holds.
      long inMemory = 0;
      long spilled = 0;
      for (Chunk chunk : connection.chunks()) {
        for (Segment segment : Access.bytes().segments(chunk.bytes())) {
          if (segment instanceof Segment.InMemory) {
            inMemory += segment.length();
          } else {
            spilled += segment.length();
          }
        }
      }
      spillFile = server.recordingUsage().spillFile().orElseThrow();
      assertTrue(inMemory <= LIMIT, "bytes held in memory: " + inMemory);
      assertEquals(TOTAL, inMemory + spilled, "in memory + spilled");
      // The last few MiB may still be in the spill file's ring until stop() has them written.
      server.stop();
      assertEquals(spilled, Files.size(spillFile), "the spill file holds every spilled byte");
      assertEquals(List.of(), spillThreads("sockpuppet-TcpServer__firehose_"), "stop() ended the spill file's writer");

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
  void aScriptComparesSpilledBytesAndTheRecordingHoldsEveryChunk() throws IOException {
    Script script = Script.create().expectText("first part|").expectText("second part|").sendText("ok").expectEof();
    try (UnixSocketServer server = UnixSocketServer.create().withName("spilled-script").withMemoryLimit(0).withScript(script).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("first part|".getBytes()));
      server.awaitConnection().awaitReceived("first part|");
      client.write(ByteBuffer.wrap("second part|".getBytes()));
      ByteBuffer reply = ByteBuffer.allocate(2);
      while (reply.hasRemaining() && client.read(reply) >= 0) {
        // both bytes of the reply
      }
      client.shutdownOutput();
      Connection connection = server.awaitConnection().awaitClosed();
      assertTrue(server.recordingUsage().spillFile().isPresent(), "the recording went to disk");
      assertEquals("first part|second part|", connection.received().text());
      assertEquals("ok", connection.sent().text());
      assertEquals(List.of("first part|", "second part|"), connection.chunks(Direction.RECEIVED).stream().map(c -> c.bytes().text()).toList());
      server.verify();
    }
  }

  @Test
  void spilledBytesStayReadableAfterStopAndAreGoneAfterCloseWithAMessageSayingWhy() throws IOException {
    UnixSocketServer server = UnixSocketServer.create().withName("tiny").withMemoryLimit(0).start();
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("spilled at once".getBytes()));
    }
    Bytes received = server.awaitConnection().awaitPeerHalfClosed().received();
    Path spillFile = server.recordingUsage().spillFile().orElseThrow();
    server.stop();
    assertEquals("spilled at once", received.text(), "stop() keeps the recording readable");
    assertTrue(Files.exists(spillFile));
    server.close();
    assertFalse(Files.exists(spillFile), "close() deletes the spill file");
    IllegalStateException error = assertThrows(IllegalStateException.class, received::text);
    assertEquals(
        "the recording of UnixSocketServer 'tiny' beyond its in-memory limit was on disk and was deleted when the"
            + " fake closed; assert before close() (stop() keeps it), or raise the limit with withMemoryLimit(…)",
        error.getMessage());
  }

  @Test
  void anInterruptedReaderNeitherFailsNorBreaksASpilledRecording() throws IOException {
    try (UnixSocketServer server = UnixSocketServer.create().withName("interrupted").withMemoryLimit(0).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("hello".getBytes()));
      Connection connection = server.awaitReceived("hello");

      Thread.currentThread().interrupt();
      String whileInterrupted;
      try {
        whileInterrupted = connection.received().text();
      } finally {
        assertTrue(Thread.interrupted(), "the caller's interrupt status is kept");
      }
      assertEquals("hello", whileInterrupted);
      assertEquals("hello", connection.received().text(), "the next read works too");

      client.write(ByteBuffer.wrap(" world".getBytes()));
      connection.awaitReceived("hello world");
      server.verify();
    }
  }

  @Test
  void aSpillFileThatCannotBeWrittenFailsTheStopNamingTheLostBytes() throws IOException {
    TcpServer server = TcpServer.create().withName("lost").withMemoryLimit(0).start();
    Path spillFile;
    try (SocketChannel client = SocketChannel.open(server.address())) {
      client.write(ByteBuffer.wrap("first".getBytes()));
      server.awaitReceived("first");
      spillFile = server.recordingUsage().spillFile().orElseThrow();
      // The writer thread opens the file when the first buffer of its ring is full (or at the
      // stop): a directory in the file's place makes that fail, as a vanished disk would.
      Files.delete(spillFile);
      Files.createDirectory(spillFile);
      ByteBuffer more = ByteBuffer.allocate(2 * 1024 * 1024);
      while (more.hasRemaining()) {
        client.write(more);
      }
    } catch (IOException resetByTheFake) {
      // The fake resets the connection once it cannot record any more; that is the point.
      spillFile = server.recordingUsage().spillFile().orElseThrow();
    }
    try {
      AssertionError error = assertThrows(AssertionError.class, server::stop);
      assertTrue(error.getMessage().startsWith("TcpServer 'lost' had "), error.getMessage());
      assertTrue(error.getMessage().contains("the recording of TcpServer 'lost' lost bytes 0.."), error.getMessage());
      assertTrue(error.getMessage().contains("writing its spill file " + spillFile + " failed"), error.getMessage());
      assertEquals(List.of(), spillThreads("sockpuppet-TcpServer__lost_"), "no writer thread outlives the stop");
    } finally {
      server.close();
    }
    assertFalse(Files.exists(spillFile), "close() removes what was in the spill file's place");
  }

  private static List<String> spillThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix) && name.endsWith("-spill"))
        .toList();
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
