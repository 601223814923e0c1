package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.internal.recording.TrafficRecord;
import java.nio.ByteBuffer;
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
