package dev.sockpuppet.testcontainers;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import dev.sockpuppet.syslog.Severity;
import dev.sockpuppet.syslog.SyslogMatcher;
import dev.sockpuppet.syslog.SyslogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/**
 * Real programs in real containers against fakes: busybox {@code logger} writing to a fake {@code
 * /dev/log}, OpenBSD {@code nc} on a fake daemon socket, busybox {@code nc} over TCP; each as root
 * and as an unprivileged user ({@code 1000:1000}). Afterwards neither the container nor the fake's
 * socket is left.
 */
class ContainerFakeDockerTest {
  @BeforeEach
  void docker() {
    DockerSupport.requireDocker();
  }

  /** A container that runs {@code shell} once as {@code user} and must exit 0 within 60 s. */
  private static GenericContainer<?> oneShot(String user, String shell) {
    return new GenericContainer<>(DockerSupport.image())
        .withCommand("sh", "-c", shell)
        .withCreateContainerCmdModifier(cmd -> cmd.withUser(user))
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)));
  }

  @ParameterizedTest(name = "as {0}")
  @ValueSource(strings = {"0:0", "1000:1000"})
  void loggerWritesToAFakeDevLog(String user) {
    SyslogServer syslog = SyslogServer.create().withName("devlog");
    ContainerFake devLog = ContainerFake.of(syslog).at("/dev/log");
    String containerId;
    Path socket;
    try (GenericContainer<?> app =
        devLog.in(oneShot(user, "logger -t shop -p auth.warning 'login failed for alice'").withNetworkMode("none"))) {
      app.start();
      containerId = app.getContainerId();
      socket = syslog.path();

      assertThat(syslog).eventually().hasMessage(SyslogMatcher.message()
          .withAppName("shop")
          .withSeverity(Severity.WARNING)
          .withText("login failed for alice"));
    } finally {
      devLog.close();
    }
    assertNothingLeft(containerId, socket);
  }

  @ParameterizedTest(name = "as {0}")
  @ValueSource(strings = {"0:0", "1000:1000"})
  void ncGetsTheFakeDaemonsReply(String user) {
    UnixSocketServer daemon = UnixSocketServer.create().withName("daemon")
        .withScript(Script.create().expectLine("PING").sendLine("PONG from the fake").expectEof().close());
    ContainerFake fake = ContainerFake.of(daemon).at("/var/run/docker.sock").withAddressInEnv("DAEMON_SOCKET");
    String containerId;
    Path socket;
    try (GenericContainer<?> app =
        fake.in(oneShot(user, "id -u; echo PING | nc.openbsd -N -U \"$DAEMON_SOCKET\"").withNetworkMode("none"))) {
      app.start();
      containerId = app.getContainerId();
      socket = daemon.path();

      String uid = user.substring(0, user.indexOf(':'));
      assertEquals(uid + "\nPONG from the fake\n", app.getLogs());
      assertThat(daemon.connection(0)).eventually().receivedExactly("PING\n").sentExactly("PONG from the fake\n");
    } finally {
      fake.close();
    }
    assertNothingLeft(containerId, socket);
  }

  @ParameterizedTest(name = "as {0}")
  @ValueSource(strings = {"0:0", "1000:1000"})
  void aTcpClientReachesATcpServer(String user) {
    TcpServer server = TcpServer.create().withName("api")
        .withScript(Script.create().expectLine("HELLO").sendLine("WELCOME").close());
    ContainerFake api = ContainerFake.of(server).withAddressInEnv("API");
    String containerId;
    try (GenericContainer<?> app = api.in(oneShot(user, "echo HELLO | nc -w 10 \"${API%:*}\" \"${API##*:}\""))) {
      app.start();
      containerId = app.getContainerId();

      assertEquals("127.0.0.1", api.host());
      assertEquals(server.port(), api.port());
      assertEquals("WELCOME\n", app.getLogs());
      assertThat(server.connection(0)).eventually().receivedExactly("HELLO\n").sentExactly("WELCOME\n");
    } finally {
      api.close();
    }
    assertNothingLeft(containerId, null);
  }

  @Test
  void aRunningContainerCannotBeGivenAFakeAndTheErrorSaysWhy() {
    UnixSocketServer daemon = UnixSocketServer.create().withName("late-daemon");
    ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");
    String containerId;
    try (GenericContainer<?> app = new GenericContainer<>(DockerSupport.image()).withCommand("sleep", "1000")
        .withNetworkMode("none")) {
      app.start();
      containerId = app.getContainerId();

      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> fake.in(app));
      assertTrue(refused.getMessage().contains("hand late-daemon to the container before it starts"), refused.getMessage());
      assertTrue(refused.getMessage().contains("a static @Container field) needs a fake that does too"), refused.getMessage());
      assertFalse(daemon.isRunning(), "the refused hand-over started the fake");
    } finally {
      fake.close();
    }
    assertNothingLeft(containerId, null);
  }

  /** The container is removed and the fake's socket file is gone. */
  static void assertNothingLeft(String containerId, Path socket) {
    assertFalse(DockerSupport.leftContainers().contains(containerId), "container " + containerId + " was left");
    if (socket != null) {
      assertFalse(Files.exists(socket), socket + " was left");
    }
    assertTrue(containerId != null && !containerId.isEmpty(), "no container ran");
  }
}
