package dev.sockpuppet.samples.daemon;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.junit.WithUnixSocketServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link DaemonClient}'s tests with the JUnit extension: the README's first example. */
// README: first-example
@WithUnixSocketServer(name = "daemon", lines = {
    "STATUS web -> OK running pid=4242",
    "/STATUS (.+)/ -> ERR no such service: $1"})
class DaemonClientExtensionTest {
  @Test
  void readsTheStatusOfAService(UnixSocketServer daemon) throws IOException {
    DaemonClient client = new DaemonClient(daemon.path());

    assertEquals("running pid=4242", client.status("web"));

    assertThat(daemon.connection(0)).receivedExactly("STATUS web\n").sentExactly("OK running pid=4242\n");
  }

  @Test
  void reportsAnUnknownService(UnixSocketServer daemon) {
    DaemonClient client = new DaemonClient(daemon.path());

    IOException error = assertThrows(IOException.class, () -> client.status("db"));

    assertEquals("the daemon refused \"STATUS db\": ERR no such service: db", error.getMessage());
  }
}
// README: end
