package dev.sockpuppet.samples.metrics;

import static dev.sockpuppet.SocketAssertions.assertThat;

import dev.sockpuppet.junit.WithTcpServer;
import dev.sockpuppet.stream.TcpServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A program that reads its collector's address from a system property, tested with a fake collector. */
class MetricsClientTest {
  // README: system-property-example
  @Test
  @WithTcpServer(name = "collector", systemProperty = "metrics.address")
  void sendsCountersAsLines(TcpServer collector) throws IOException {
    try (MetricsClient client = MetricsClient.fromSystemProperties()) {
      client.count("logins", 3);
      client.count("errors", 1);
    }

    assertThat(collector).eventually().receivedLines("logins:3|c", "errors:1|c");
  }
  // README: end
}
