package dev.sockpuppet.junit;

import static dev.sockpuppet.junit.StreamFault.Type.LATENCY;
import static dev.sockpuppet.junit.StreamFault.Type.REFUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code faults = @StreamFault(…)} on the stream-server annotations: real clients see them; misuse is explained. */
class FaultAttributeTest {
  private static final String MISUSE = "on method dev.sockpuppet.junit.FaultAttributeTest$Misuse.";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void realClientsMeetTheDeclaredFaults(Mode mode) {
    checkFaults(mode);
  }

  @Test
  void anInvalidFaultNamesTheAnnotationTheFaultAndWhatToChange() {
    TestKit kit = TestKit.run(Misuse.class, Mode.SEQUENTIAL);
    Map<String, String> expected = Map.of(
        "latencyWithoutDelay(TcpServer)",
        "@WithTcpServer 'tcp' " + MISUSE + "latencyWithoutDelay() has faults[0] = LATENCY without delay, which LATENCY "
            + "needs; set delay = \"200ms\"",
        "refuseFromProgram(TcpServer)",
        "@WithTcpServer 'tcp' " + MISUSE + "refuseFromProgram() has faults[1] = REFUSE with fromProgram, which REFUSE "
            + "does not use (it acts when a connection opens and has no direction); remove fromProgram (see "
            + "StreamFault for the attributes of each type)",
        "bytesOnLatency(UnixSocketServer)",
        "@WithUnixSocketServer 'unix' " + MISUSE + "bytesOnLatency() has faults[0] = LATENCY with bytes, which LATENCY "
            + "does not use; remove bytes (see StreamFault for the attributes of each type)",
        "jitterAboveDelay(TcpServer)",
        "@WithTcpServer 'tcp' " + MISUSE + "jitterAboveDelay() has an invalid faults[0]: the jitter (300 ms) must not "
            + "exceed the latency (200 ms): a delay of latency - jitter cannot be negative",
        "badDelay(TcpServer)",
        "@WithTcpServer 'tcp' " + MISUSE + "badDelay() has an invalid faults[0]: the delay of faults[0] is \"soon\"; "
            + "write a positive duration such as \"500ms\", \"5s\", \"2m\" or \"PT5S\"");
    kit.assertConfigurationFailures(expected);
  }

  static void checkFaults(Mode mode) {
    TestKit kit = TestKit.run(Faulty.class, mode);
    assertEquals(Optional.empty(), kit.problems());
    assertEquals(2, kit.tests().size());
    long millis = Long.parseLong(kit.report("latency(UnixSocketServer, TestReporter)", "millis"));
    // A lower bound only: the fault holds the reply at least that long; a slow machine may add more.
    assertTrue(millis >= 200, () -> "the echo came back after " + millis + " ms, before the 200 ms latency");
  }

  @Fixture
  static class Faulty {
    @Test
    @WithTcpServer(replyAndClose = "OK", faults = @StreamFault(type = REFUSE, connections = 0))
    void refusesTheFirstConnectionOnly(TcpServer server) throws IOException {
      try (Socket first = new Socket()) {
        first.connect(server.address(), 10_000);
        first.setSoTimeout(10_000);
        assertEquals(-1, first.getInputStream().read(), "the refused connection should end at once");
      }
      assertEquals("OK", Clients.exchangeTcp(server.address(), "retry"));
      assertEquals(2, server.traffic().connections().size());
    }

    @Test
    @WithUnixSocketServer(responder = ResponderType.ECHO, faults = @StreamFault(type = LATENCY, delay = "200ms"))
    void latency(UnixSocketServer server, TestReporter reporter) {
      long start = System.nanoTime();
      assertEquals("ping", Clients.exchangeUnix(server.path(), "ping"));
      reporter.publishEntry("millis", String.valueOf(Duration.ofNanos(System.nanoTime() - start).toMillis()));
    }
  }

  @Fixture
  static class Misuse {
    @Test
    @WithTcpServer(faults = @StreamFault(type = LATENCY))
    void latencyWithoutDelay(TcpServer server) {}

    @Test
    @WithTcpServer(faults = {@StreamFault(type = LATENCY, delay = "1ms"), @StreamFault(type = REFUSE, fromProgram = true)})
    void refuseFromProgram(TcpServer server) {}

    @Test
    @WithUnixSocketServer(faults = @StreamFault(type = LATENCY, delay = "1ms", bytes = 10))
    void bytesOnLatency(UnixSocketServer server) {}

    @Test
    @WithTcpServer(faults = @StreamFault(type = LATENCY, delay = "200ms", jitter = "300ms"))
    void jitterAboveDelay(TcpServer server) {}

    @Test
    @WithTcpServer(faults = @StreamFault(type = LATENCY, delay = "soon"))
    void badDelay(TcpServer server) {}
  }
}
