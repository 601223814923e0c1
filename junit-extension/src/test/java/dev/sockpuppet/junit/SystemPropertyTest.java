package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;

/** {@code systemProperty}: set to the fake's address while it lives, restored afterwards. */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class SystemPropertyTest {
  static final String SOCKET = "sockpuppet.test.socket";
  static final String API = "sockpuppet.test.api";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void setsThePropertyForTheFakesLifetimeAndRestoresOrClearsIt(Mode mode) {
    checkProperties(mode);
  }

  static void checkProperties(Mode mode) {
    String before = System.setProperty(SOCKET, "the previous value");
    String apiBefore = System.clearProperty(API);
    try {
      TestKit kit = TestKit.run(Properties.class, mode);
      List<String> tests = List.of("first(UnixSocketServer, TcpServer, TestReporter)", "second(UnixSocketServer, TcpServer, TestReporter)");
      for (String test : tests) {
        assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> kit.tests().toString());
        assertTrue(Files.notExists(Path.of(kit.report(test, "socket"))));
      }
      assertEquals(Status.SUCCESSFUL, kit.container(Properties.class).getStatus(), () -> kit.containers().toString());
      assertEquals(2, tests.stream().map(t -> kit.report(t, "socket")).distinct().count());
      assertEquals(1, tests.stream().map(t -> kit.report(t, "api")).distinct().count());
      assertEquals("the previous value", System.getProperty(SOCKET));
      assertNull(System.getProperty(API));
    } finally {
      restore(SOCKET, before);
      restore(API, apiBefore);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Fixture
  @WithUnixSocketServer(name = "daemon", systemProperty = SOCKET)
  @WithTcpServer(name = "api", systemProperty = API, scope = Scope.PER_CLASS, replyAndClose = "OK")
  static class Properties {
    @Test
    void first(UnixSocketServer daemon, TcpServer api, TestReporter reporter) {
      check(daemon, api, reporter);
    }

    @Test
    void second(UnixSocketServer daemon, TcpServer api, TestReporter reporter) {
      check(daemon, api, reporter);
    }

    @AfterAll
    static void classScopedPropertyLastsUntilAfterAll(TcpServer api) {
      assertEquals(api.hostAndPort(), System.getProperty(API));
    }

    private static void check(UnixSocketServer daemon, TcpServer api, TestReporter reporter) {
      // Use the properties as the program under test would.
      String socket = System.getProperty(SOCKET);
      assertEquals(daemon.path().toString(), socket);
      Clients.sendUnix(Path.of(socket), "status\n");
      daemon.awaitReceivedLine("status");
      assertEquals(api.hostAndPort(), System.getProperty(API));
      assertEquals("OK", Clients.exchangeTcp(Clients.parse(System.getProperty(API)), "GET"));
      reporter.publishEntry(Map.of("socket", socket, "api", System.getProperty(API)));
    }
  }
}
