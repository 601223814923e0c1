package dev.sockpuppet.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.opentest4j.AssertionFailedError;

/**
 * The mistake the syslog fake exists to explain: a program that connects a stream socket to a
 * {@code /dev/log}-style datagram socket. The kernel refuses the connection, and the wait that then
 * finds no message says why.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SyslogSocketTypeMismatchTest {
  @Test
  void aStreamClientIsRefusedByTheDatagramSocketAndTheWaitSaysWhy() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().withName("devlog").withTimeout(Duration.ofMillis(200)).start()) {
      IOException refused = assertThrows(IOException.class, () -> {
        try (SocketChannel stream = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          stream.connect(UnixDomainSocketAddress.of(syslog.path()));
        }
      });
      assertEquals("Protocol wrong type for socket", refused.getMessage());

      AssertionFailedError failure =
          assertThrows(AssertionFailedError.class, () -> syslog.awaitMessage(SyslogMatcher.message().withAppName("app")));
      assertEquals(
          "timed out after 200 ms waiting for SyslogServer 'devlog' to receive a message with app name \"app\";"
              + " it received no message; a program that connects a stream socket here fails with"
              + " \"Protocol wrong type for socket\" (use SyslogTransport.UNIX_STREAM for it)",
          failure.getMessage());
      assertEquals(0, syslog.messages().size(), "nothing arrived");
    }
  }
}
