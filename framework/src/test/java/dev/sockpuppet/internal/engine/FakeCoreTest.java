package dev.sockpuppet.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.internal.Access;
import dev.sockpuppet.stream.TcpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The hooks another module (the Testcontainers one) puts before a fake's stop. */
class FakeCoreTest {

  @Test
  void aHookRunsBeforeEveryStopOfARunningFakeWhileItStillRuns() {
    TcpServer server = TcpServer.create().withName("hooked");
    List<String> seen = new CopyOnWriteArrayList<>();
    Access.core(server).beforeStop(() -> seen.add("running=" + server.isRunning()));

    server.stop();
    assertEquals(List.of(), seen, "a fake that never ran has nothing to stop");
    server.start();
    server.stop();
    server.stop();
    assertEquals(List.of("running=true"), seen, "once per stop of a running fake");
    server.start();
    server.close();
    assertEquals(List.of("running=true", "running=true"), seen, "a restarted fake runs its hooks again");
  }

  @Test
  void whatAHookThrowsIsReportedByTheStopWhichStillStops() {
    TcpServer server = TcpServer.create().withName("hook-fails").start();
    Access.core(server).beforeStop(() -> {
      throw new IllegalStateException("container would not stop");
    });

    AssertionFailedError reported = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(reported.getMessage().contains("TcpServer 'hook-fails' could not stop what uses it before stopping"),
        reported.getMessage());
    assertTrue(reported.getMessage().contains("container would not stop"), reported.getMessage());
    assertFalse(server.isRunning());
  }
}
