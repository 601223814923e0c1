package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Faults as values: what they say about themselves, and the errors misuse gets. */
class FaultConfigTest {
  @Test
  void eachFaultDescribesItselfWithItsDirection() {
    assertEquals("latency 200 ms ± 50 ms towards the program",
        Fault.latency(Duration.ofMillis(200)).withJitter(Duration.ofMillis(50)).toString());
    assertEquals("bandwidth 1024 bytes/s from the program", Fault.bandwidth(1024).fromProgram().toString());
    assertEquals("slices of 7 bytes every 0.100 ms towards the program",
        Fault.slice(7, Duration.ofNanos(100_000)).toString());
    assertEquals("close after 1 byte from the program", Fault.closeAfter(1).fromProgram().toString());
    assertEquals("reset after 10 bytes towards the program", Fault.resetAfter(10).fromProgram().towardsProgram().toString());
    assertEquals("reset on open", Fault.reset().toString());
    assertEquals("stall towards the program on connections [0, 2]", Fault.stall().onConnections(2, 0, 2).toString());
    assertEquals("refuse (close on open) on connection #0", Fault.refuse().onConnections(0).toString());
  }

  @Test
  void faultsAreValues() {
    assertEquals(Fault.closeAfter(3).fromProgram(), Fault.closeAfter(3).fromProgram());
    assertEquals(Fault.closeAfter(3).hashCode(), Fault.closeAfter(3).hashCode());
    assertNotEquals(Fault.closeAfter(3), Fault.closeAfter(3).fromProgram());
    assertNotEquals(Fault.closeAfter(3), Fault.resetAfter(3));
  }

  @Test
  void badNumbersAreRejectedWithWhatWasWrong() {
    assertMessage("latency must not be negative, got PT-1S", () -> Fault.latency(Duration.ofSeconds(-1)));
    assertMessage("a bandwidth is a positive number of bytes per second, got 0", () -> Fault.bandwidth(0));
    assertMessage("a slice is at least 1 byte, got 0", () -> Fault.slice(0, Duration.ZERO));
    assertMessage("slice delay must not be negative, got PT-0.001S", () -> Fault.slice(1, Duration.ofMillis(-1)));
    assertMessage("a number of bytes must not be negative, got -1", () -> Fault.closeAfter(-1));
    assertMessage("a number of bytes must not be negative, got -5", () -> Fault.resetAfter(-5));
    assertMessage("the jitter (300 ms) must not exceed the latency (200 ms): a delay of latency - jitter cannot be negative",
        () -> Fault.latency(Duration.ofMillis(200)).withJitter(Duration.ofMillis(300)));
    assertMessage("withJitter(…) varies a latency; stall towards the program is not one",
        () -> Fault.stall().withJitter(Duration.ZERO));
    assertMessage("onConnections(…) needs at least one connection index", () -> Fault.stall().onConnections());
    assertMessage("connection indexes start at 0, got -1", () -> Fault.stall().onConnections(3, -1));
    assertThrows(NullPointerException.class, () -> Fault.latency(null));
  }

  @Test
  void faultsThatActOnOpenHaveNoDirection() {
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> Fault.refuse().fromProgram());
    assertEquals("fromProgram() chooses a direction, but refuse (close on open) acts when a connection opens and has none",
        error.getMessage());
    assertThrows(IllegalStateException.class, () -> Fault.reset().towardsProgram());
  }

  @Test
  void faultsConfigureAServerBeforeStartOnly() {
    try (TcpServer server = TcpServer.create().withName("late").withFault(Fault.stall()).start()) {
      IllegalStateException error = assertThrows(IllegalStateException.class, () -> server.withFault(Fault.reset()));
      assertEquals("withFault(…) configures TcpServer 'late' before start(); it is already running", error.getMessage());
    }
    UnixSocketServer unix = UnixSocketServer.create().withName("late-unix");
    unix.start().close();
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> unix.withFaults(Fault.reset(), Fault.stall()));
    assertEquals("withFaults(…) configures UnixSocketServer 'late-unix' before start(); it has already run", error.getMessage());
    NullPointerException nothing = assertThrows(NullPointerException.class, () -> TcpServer.create().withFaults(Fault.stall(), null));
    assertEquals("a fault in withFaults(…) is null", nothing.getMessage());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable misuse) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, misuse).getMessage());
  }
}
