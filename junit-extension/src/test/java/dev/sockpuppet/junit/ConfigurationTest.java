package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Configuration parameters, and the guard that keeps fixtures from running on their own. */
class ConfigurationTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theDefaultTimeoutAppliesUnlessTheAnnotationSetsOne(Mode mode) {
    checkTimeouts(mode);
  }

  @Test
  void anInvalidDefaultTimeoutNamesTheParameter() {
    TestKit kit = TestKit.run(Timeouts.class, Mode.SEQUENTIAL, Map.of("sockpuppet.timeout.default", "forever"));
    Throwable failure = kit.failure("configured(TcpServer)");
    assertInstanceOf(ExtensionConfigurationException.class, failure);
    assertEquals(
        "the configuration parameter sockpuppet.timeout.default is invalid: the value is \"forever\"; "
            + "write a positive duration such as \"500ms\", \"5s\", \"2m\" or \"PT5S\"",
        failure.getMessage());
  }

  @Test
  void fixturesAreSkippedWhenNotRunThroughTheTestKit() {
    var results =
        EngineTestKit.engine("junit-jupiter")
            .selectors(DiscoverySelectors.selectClass(Timeouts.class))
            .enableImplicitConfigurationParameters(false)
            .execute();
    assertEquals(1, results.containerEvents().skipped().count());
    assertEquals(0, results.testEvents().started().count());
  }

  static void checkTimeouts(Mode mode) {
    TestKit kit = TestKit.run(Timeouts.class, mode, Map.of("sockpuppet.timeout.default", "3s"));
    assertEquals(Status.SUCCESSFUL, kit.test("configured(TcpServer)").getStatus(), () -> kit.tests().toString());
    assertEquals(Status.SUCCESSFUL, kit.test("annotated(UnixSocketServer)").getStatus(), () -> kit.tests().toString());
    assertEquals(2, kit.tests().size());
    assertTrue(kit.files().isEmpty());
  }

  @Fixture
  static class Timeouts {
    @Test
    @WithTcpServer
    void configured(TcpServer server) {
      assertEquals(Duration.ofSeconds(3), server.timeout());
    }

    @Test
    @WithUnixSocketServer(timeout = "PT0.5S", memoryLimit = 0, permissions = "rw-rw----")
    void annotated(UnixSocketServer server) throws IOException {
      assertEquals(Duration.ofMillis(500), server.timeout());
      assertEquals(0, server.recordingUsage().memoryLimit());
      assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())));
    }
  }
}
