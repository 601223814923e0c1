package dev.sockpuppet.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.syslog.SyslogTransport;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/** What a ContainerFake says when it is misused; no Docker needed. */
class ContainerFakeTest {
  @Test
  void aUnixSocketFakeNeedsAContainerPath() {
    ContainerFake fake = ContainerFake.of(UnixSocketServer.create().withName("daemon"));

    IllegalStateException error = assertThrows(IllegalStateException.class, () -> fake.in(new GenericContainer<>("none:local")));

    assertEquals(
        "say where daemon's socket appears in the container first: ContainerFake.of(fake).at(\"/run/app.sock\")",
        error.getMessage());
  }

  @Test
  void theContainerPathMustBeAbsolute() {
    ContainerFake fake = ContainerFake.of(SyslogServer.create());

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> fake.at("dev/log"));

    assertEquals("the container path must be absolute, like /dev/log or /run/app.sock; got \"dev/log\"", error.getMessage());
  }

  @Test
  void aTcpOrUdpFakeHasNoPathButAHostAndPort() {
    try (TcpServer server = TcpServer.create().withName("api").start()) {
      ContainerFake fake = ContainerFake.of(server);

      IllegalStateException error = assertThrows(IllegalStateException.class, () -> fake.at("/run/api.sock"));
      assertEquals("api is a TCP or UDP fake: it has no path; the container reaches it at host() and port()", error.getMessage());
      assertEquals("127.0.0.1:" + server.port(), fake.hostAndPort());
    }
  }

  @Test
  void aUdpFakeTellsItsAddressOnlyOnceStarted() {
    ContainerFake fake = ContainerFake.of(UdpServer.create().withName("metrics"));

    IllegalStateException error = assertThrows(IllegalStateException.class, fake::port);

    assertEquals("metrics has no port yet: call start() (or start the container) first", error.getMessage());
  }

  @Test
  void aSyslogServerIsHandedOverAsItsTransportSays() {
    assertEquals("ContainerFake[syslog on the host's network]", ContainerFake.of(SyslogServer.create(SyslogTransport.UDP)).toString());
    assertEquals("ContainerFake[syslog at /dev/log]", ContainerFake.of(SyslogServer.create()).at("/dev/log").toString());
  }

  @Test
  void aUnixFakeHasNoHost() {
    ContainerFake fake = ContainerFake.of(UnixSocketServer.create().withName("daemon")).at("/run/app.sock");

    IllegalStateException error = assertThrows(IllegalStateException.class, fake::host);

    assertEquals("daemon is a Unix-socket fake; the container finds it at containerPath()", error.getMessage());
    assertEquals("/run/app.sock", fake.containerPath());
  }
}
