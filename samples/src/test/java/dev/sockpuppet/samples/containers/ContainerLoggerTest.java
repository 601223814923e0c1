package dev.sockpuppet.samples.containers;

import static dev.sockpuppet.SocketAssertions.assertThat;

import dev.sockpuppet.junit.ManagedFake;
import dev.sockpuppet.syslog.Facility;
import dev.sockpuppet.syslog.Severity;
import dev.sockpuppet.syslog.SyslogMatcher;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.testcontainers.ContainerFake;
import dev.sockpuppet.testcontainers.ContainerLogsOnFailure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * A program in a container logs to {@code /dev/log}, and the test reads what it logged: the fake
 * syslog daemon's socket is mounted at {@code /dev/log} in the container. The container runs as an
 * unprivileged user and has no network at all; a Unix socket needs none.
 */
// README: container-example
@Testcontainers
@ContainerLogsOnFailure
class ContainerLoggerTest {
  @ManagedFake final SyslogServer syslog = SyslogServer.create().withName("devlog");
  final ContainerFake devLog = ContainerFake.of(syslog).at("/dev/log");

  @Container final GenericContainer<?> app = devLog.in(new GenericContainer<>(BusyboxImage.image())
      .withCommand("logger", "-t", "shop", "-p", "auth.warning", "login failed for alice")
      .withCreateContainerCmdModifier(cmd -> cmd.withUser("1000:1000"))
      .withNetworkMode("none")
      .withStartupCheckStrategy(new OneShotStartupCheckStrategy()));

  @Test
  void theContainerLogsToTheFakeDevLog() {
    assertThat(syslog).eventually().hasMessage(SyslogMatcher.message()
        .withFacility(Facility.AUTH)
        .withSeverity(Severity.WARNING)
        .withAppName("shop")
        .withText("login failed for alice"));
  }
// README: end

  @BeforeAll
  static void docker() {
    BusyboxImage.requireDocker();
  }
}
