package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The fake's end of a connection, over a transport that behaves as no real socket reliably does. */
class ConnectionIoTest {
  @Test
  void afterAHandlerReturnsAProgramThatNeverStopsSendingCannotKeepTheConnectionOpen() {
    TrafficRecord traffic = new TrafficRecord("TcpServer 'flooded'", Duration.ofSeconds(10), 64 << 20);
    ConnectionRecord record = traffic.openConnection(null, null, null);
    EndlessTransport transport = new EndlessTransport();
    ConnectionIo io = new ConnectionIo(record, transport, traffic.recorder(), new Problems(), Duration.ofSeconds(10));
    assertTimeoutPreemptively(Joiner.GRACE.multipliedBy(10), () -> io.finishAfterHandler());
    assertFalse(transport.isOpen(), "the connection was closed");
    assertTrue(record.received().size() > 0, "what arrived meanwhile is recorded");
    traffic.recorder().release();
  }

  /**
   * A stop interrupts the connection's thread; when that lands as a blocking write returns, the JDK
   * closes the channel and throws {@code ClosedByInterruptException} although every byte left (seen
   * on JDK 25: a script then reported its send step as not done while the program had the line).
   * The write succeeded: it returns, the bytes are on record as sent, and the next call finds the
   * connection closed.
   */
  @Test
  void aWriteWhoseBytesAllLeftSucceedsEvenIfTheChannelClosedAsItReturned() throws Exception {
    TrafficRecord traffic = new TrafficRecord("TcpServer 'interrupted'", Duration.ofSeconds(10), 64 << 20);
    ConnectionRecord record = traffic.openConnection(null, null, null);
    TestTransport transport = new TestTransport() {
      @Override
      public int read(ByteBuffer into, long timeoutNanos) throws IOException {
        throw new ClosedChannelException();
      }

      @Override
      public void write(ByteBuffer from, long timeoutNanos) throws IOException {
        if (!open) {
          throw new ClosedChannelException();
        }
        from.position(from.limit());
        open = false;
        throw new ClosedByInterruptException();
      }
    };
    ConnectionIo io = new ConnectionIo(record, transport, traffic.recorder(), new Problems(), Duration.ofSeconds(10));

    io.write(Bytes.of("HI\n"));
    assertEquals("HI\n", record.sent().text());
    assertEquals(0, record.undeliveredBytes());
    assertThrows(ClosedChannelException.class, () -> io.write(Bytes.of("more\n")), "the connection is closed now");
    traffic.recorder().release();
  }

  /** A program that always has more to send: every read finds another KiB, a little later. */
  private static final class EndlessTransport extends TestTransport {
    @Override
    public int read(ByteBuffer into, long timeoutNanos) {
      LockSupport.parkNanos(50_000); // a dribble keeps the test light: about 20 MB/s at most
      int count = Math.min(1024, into.remaining());
      into.position(into.position() + count);
      return count;
    }

    @Override
    public void write(ByteBuffer from, long timeoutNanos) {
      from.position(from.limit());
    }
  }
}
