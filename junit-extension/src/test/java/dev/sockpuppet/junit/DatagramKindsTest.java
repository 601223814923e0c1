package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockpuppet.Fake;
import dev.sockpuppet.datagram.DatagramServer;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.junit.TestKit.Mode;
import dev.sockpuppet.syslog.Severity;
import dev.sockpuppet.syslog.SyslogMessage;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.syslog.SyslogTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.opentest4j.AssertionFailedError;

/**
 * {@code @WithUdpServer}, {@code @WithUnixDatagramServer} and {@code @WithSyslogServer}: injection
 * by type and name, published addresses a real client sends to, fields, teardown, evidence on
 * failure, and misconfiguration.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix datagram sockets via junixsocket")
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class DatagramKindsTest {
  static final String UDP = "sockpuppet.test.udp";
  static final String UNIXGRAM = "sockpuppet.test.unixgram";
  static final String SYSLOG = "sockpuppet.test.syslog";
  static final String SYSLOG_UDP = "sockpuppet.test.syslog.udp";
  static final String SYSLOG_TCP = "sockpuppet.test.syslog.tcp";
  static final String HELLO = "<13>Nov 21 18:45:01 myapp[1]: hello";

  private static final String BY_TYPE = "on class dev.sockpuppet.junit.DatagramKindsTest$ByType";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsEachNewKindByTypeAndSupertypeAndByName(Mode mode) {
    checkInjection(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void publishesAddressesThatRealClientsSendToAndRemovesSocketFiles(Mode mode) {
    checkProperties(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFailingTestCarriesDatagramsAndParsedSyslogMessagesAndAProblemFailsAPassingTest(Mode mode) throws IOException {
    checkEvidence(mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fieldsHoldingTheNewFakesAreStartedAndStopped(Mode mode) {
    checkFields(mode);
  }

  @Test
  void misconfigurationNamesTheAnnotationTheAttributeAndWhatToDo() {
    TestKit kit = TestKit.run(Misconfigured.class, Mode.SEQUENTIAL);
    Throwable unixOnUdp = kit.failure("pathOnUdp(SyslogServer)");
    assertInstanceOf(ExtensionConfigurationException.class, unixOnUdp);
    assertEquals(
        "@WithSyslogServer 'syslog' on method dev.sockpuppet.junit.DatagramKindsTest$Misconfigured.pathOnUdp() sets "
            + "permissions, which places a Unix socket, but its transport = UDP listens on a port; remove permissions, "
            + "or choose transport = UNIX_DATAGRAM or UNIX_STREAM",
        unixOnUdp.getMessage());
    Throwable twoBehaviours = kit.failure("echoAndReply(UdpServer)");
    assertInstanceOf(ExtensionConfigurationException.class, twoBehaviours);
    assertEquals(
        "@WithUdpServer 'udp' on method dev.sockpuppet.junit.DatagramKindsTest$Misconfigured.echoAndReply() sets "
            + "responder = ECHO and reply; a fake has one behaviour, so set only one of them",
        twoBehaviours.getMessage());
    Throwable bothPlaces = kit.failure("pathAndAbstractName(UnixDatagramServer)");
    assertInstanceOf(ExtensionConfigurationException.class, bothPlaces);
    assertEquals(
        "@WithUnixDatagramServer 'unixgram' on method "
            + "dev.sockpuppet.junit.DatagramKindsTest$Misconfigured.pathAndAbstractName() sets both path and "
            + "abstractName; a socket has either a file or an abstract name, so set one",
        bothPlaces.getMessage());
    Throwable permissions = kit.failure("badPermissions(SyslogServer)");
    assertInstanceOf(ExtensionConfigurationException.class, permissions);
    assertTrue(
        permissions.getMessage().startsWith(
            "@WithSyslogServer 'syslog' on method dev.sockpuppet.junit.DatagramKindsTest$Misconfigured.badPermissions() "
                + "has an invalid permissions: "),
        permissions.getMessage());
    assertEquals(4, kit.tests().size());
  }

  static void checkInjection(Mode mode) {
    TestKit kit = TestKit.run(ByType.class, mode);
    for (String test : List.of(
        "udp(UdpServer, TestReporter)", "unixgram(UnixDatagramServer)", "syslog(SyslogServer)",
        "byName(UdpServer, UdpServer, Fake)")) {
      assertEquals(Status.SUCCESSFUL, kit.test(test).getStatus(), () -> TestKit.describe(kit.test(test)));
    }
    assertEquals("udp", kit.report("udp(UdpServer, TestReporter)", "name"));
    Throwable ambiguous = kit.failure("datagramServer(DatagramServer)");
    assertInstanceOf(ParameterResolutionException.class, ambiguous);
    assertEquals(
        "parameter 0 (DatagramServer) of datagramServer(…) is ambiguous: 3 fakes are DatagramServers: "
            + "'udp' (UdpServer, @WithUdpServer 'udp' " + BY_TYPE + "), "
            + "'unixgram' (UnixDatagramServer, @WithUnixDatagramServer 'unixgram' " + BY_TYPE + "), "
            + "'second' (UdpServer, @WithUdpServer 'second' on method dev.sockpuppet.junit.DatagramKindsTest$ByType"
            + ".datagramServer())"
            + "; choose one with @ManagedFake(\"name\")",
        ambiguous.getMessage());
    Throwable ambiguousUdp = kit.failure("ambiguousUdp(UdpServer)");
    assertInstanceOf(ParameterResolutionException.class, ambiguousUdp);
    assertTrue(ambiguousUdp.getMessage().startsWith("parameter 0 (UdpServer) of ambiguousUdp(…) is ambiguous: 2 fakes"),
        ambiguousUdp.getMessage());
    assertEquals(6, kit.tests().size());
  }

  static void checkProperties(Mode mode) {
    List<String> keys = List.of(UDP, UNIXGRAM, SYSLOG, SYSLOG_UDP, SYSLOG_TCP);
    String before = System.setProperty(UNIXGRAM, "the previous value");
    try {
      TestKit kit = TestKit.run(Properties.class, mode);
      assertEquals(Optional.empty(), kit.problems());
      List<String> tests = List.of("first(UdpServer, UnixDatagramServer, SyslogServer, TestReporter)",
          "second(UdpServer, UnixDatagramServer, SyslogServer, TestReporter)");
      for (String test : tests) {
        for (String key : List.of("unixgram", "syslog")) {
          Path socket = Path.of(kit.report(test, key));
          assertTrue(socket.isAbsolute(), socket::toString);
          assertTrue(Files.notExists(socket), "socket file left behind: " + socket);
        }
      }
      // Per-test fakes: a socket each; the class-scoped syslog over UDP: one address for both.
      assertEquals(2, tests.stream().map(t -> kit.report(t, "unixgram")).distinct().count());
      assertEquals(1, tests.stream().map(t -> kit.report(t, "syslogUdp")).distinct().count());
      assertEquals("the previous value", System.getProperty(UNIXGRAM));
      for (String key : keys) {
        if (!key.equals(UNIXGRAM)) {
          assertNull(System.getProperty(key), key);
        }
      }
    } finally {
      System.clearProperty(UNIXGRAM);
      if (before != null) {
        System.setProperty(UNIXGRAM, before);
      }
    }
  }

  static void checkEvidence(Mode mode) throws IOException {
    TestKit kit = TestKit.run(Evidence.class, mode);
    assertEquals(2, kit.tests().size(), () -> kit.tests().toString());
    Throwable failure = kit.failure("fails(UdpServer, SyslogServer, TestReporter)");
    assertEquals("the program under test misbehaved", failure.getMessage());
    List<Throwable> transcripts = Arrays.stream(failure.getSuppressed())
        .filter(t -> t.getClass().getName().equals("dev.sockpuppet.junit.internal.FakeTranscript"))
        .toList();
    assertEquals(2, transcripts.size(), () -> TestKit.describe(failure));
    String metrics = transcripts.get(0).getMessage();
    assertTrue(metrics.startsWith("transcript of fake 'metrics' (also in "), metrics);
    assertTrue(metrics.contains("datagram #0 received") && metrics.contains("logins:1|c"), metrics);
    String syslog = transcripts.get(1).getMessage();
    assertTrue(syslog.startsWith("transcript of fake 'syslog' (also in "), syslog);
    assertTrue(syslog.contains("datagram #0 received"), syslog);
    assertTrue(syslog.contains("syslog messages parsed: 1\n  #0 user.notice myapp[1] \"hello\" (RFC3164)\n"), syslog);
    Path file = kit.transcripts().resolve(Evidence.class.getName()).resolve("fails").resolve("syslog.txt");
    assertTrue(syslog.endsWith(Files.readString(file, StandardCharsets.UTF_8)), syslog);
    Path socket = Path.of(kit.report("fails(UdpServer, SyslogServer, TestReporter)", "socket"));
    assertTrue(Files.notExists(socket), "socket file left behind although the test failed: " + socket);

    // The test passed, but the fake could not answer an unbound sender: its verify() fails the test.
    Throwable problem = kit.failure("unanswerable(UnixDatagramServer)");
    assertInstanceOf(AssertionFailedError.class, problem);
    assertTrue(problem.getMessage().startsWith("UnixDatagramServer 'echo' had 1 problem:"), problem.getMessage());
    assertTrue(problem.getMessage().contains("did not bind an address"), problem.getMessage());
  }

  static void checkFields(Mode mode) {
    TestKit kit = TestKit.run(Fields.class, mode);
    assertEquals(Optional.empty(), kit.problems());
    assertEquals(2, kit.tests().size());
    // The static UDP server was shared; each test had its own syslog daemon, whose socket is gone.
    assertEquals(1, kit.tests().keySet().stream().map(t -> kit.report(t, "udp")).distinct().count());
    List<String> sockets = kit.tests().keySet().stream().map(t -> kit.report(t, "syslog")).distinct().toList();
    assertEquals(2, sockets.size());
    sockets.forEach(s -> assertTrue(Files.notExists(Path.of(s)), "socket file left behind: " + s));
  }

  @Fixture
  @WithUdpServer
  @WithUnixDatagramServer(permissions = "rw-rw-rw-", timeout = "3s")
  @WithSyslogServer
  static class ByType {
    @Test
    void udp(UdpServer udp, TestReporter reporter) {
      Clients.sendUdp(udp.address(), "hello udp");
      assertEquals("hello udp", udp.awaitDatagram().bytes().text());
      reporter.publishEntry("name", udp.name());
    }

    @Test
    void unixgram(UnixDatagramServer unixgram) throws IOException {
      assertEquals("unixgram", unixgram.name());
      assertEquals(Duration.ofSeconds(3), unixgram.timeout());
      assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(unixgram.path())));
      Clients.sendUnixDatagram(unixgram.path(), "hello unixgram");
      unixgram.awaitReceived("hello unixgram");
    }

    @Test
    void syslog(SyslogServer syslog) {
      assertEquals("syslog", syslog.name());
      assertEquals(SyslogTransport.UNIX_DATAGRAM, syslog.transport());
      Clients.sendUnixDatagram(syslog.path(), HELLO);
      assertEquals(Optional.of("myapp"), syslog.awaitMessage().appName());
    }

    @Test
    @WithUdpServer(name = "second", responder = ResponderType.ECHO)
    void byName(@ManagedFake("udp") UdpServer first, @ManagedFake("second") UdpServer second, @ManagedFake("second") Fake same) {
      assertNotEquals(first.port(), second.port());
      assertSame(second, same);
      assertEquals("ping", Clients.exchangeUdp(second.address(), "ping"));
      Clients.sendUdp(first.address(), "to the first");
      first.awaitReceived("to the first");
      assertEquals(List.of(), second.receivedDatagrams().stream().filter(d -> d.bytes().text().equals("to the first")).toList());
    }

    @Test
    @WithUdpServer(name = "second")
    void datagramServer(DatagramServer any) {}

    @Test
    @WithUdpServer(name = "second")
    void ambiguousUdp(UdpServer any) {}
  }

  @Fixture
  @WithUdpServer(name = "statsd", systemProperty = UDP)
  @WithUnixDatagramServer(name = "log", systemProperty = UNIXGRAM)
  @WithSyslogServer(name = "syslog", systemProperty = SYSLOG)
  @WithSyslogServer(name = "remote", transport = SyslogTransport.UDP, systemProperty = SYSLOG_UDP, scope = Scope.PER_CLASS)
  @WithSyslogServer(name = "tcp", transport = SyslogTransport.TCP, systemProperty = SYSLOG_TCP)
  static class Properties {
    @Test
    void first(
        UdpServer statsd, UnixDatagramServer log, @ManagedFake("syslog") SyslogServer syslog, TestReporter reporter) {
      check(statsd, log, syslog, reporter);
    }

    @Test
    void second(
        UdpServer statsd, UnixDatagramServer log, @ManagedFake("syslog") SyslogServer syslog, TestReporter reporter) {
      check(statsd, log, syslog, reporter);
    }

    @AfterAll
    static void classScopedPropertyLastsUntilAfterAll(@ManagedFake("remote") SyslogServer remote) {
      assertEquals("127.0.0.1:" + remote.port(), System.getProperty(SYSLOG_UDP));
    }

    /** Uses the properties as the program under test would. */
    private static void check(UdpServer statsd, UnixDatagramServer log, SyslogServer syslog, TestReporter reporter) {
      assertEquals(statsd.hostAndPort(), System.getProperty(UDP));
      Clients.sendUdp(Clients.parse(System.getProperty(UDP)), "logins:1|c");
      assertEquals("logins:1|c", statsd.awaitDatagram().bytes().text());

      assertEquals(log.path().toString(), System.getProperty(UNIXGRAM));
      Clients.sendUnixDatagram(Path.of(System.getProperty(UNIXGRAM)), "started");
      log.awaitReceived("started");

      assertEquals(syslog.path().toString(), System.getProperty(SYSLOG));
      Clients.sendUnixDatagram(Path.of(System.getProperty(SYSLOG)), HELLO);
      SyslogMessage message = syslog.awaitMessage(m -> m.appName().equals(Optional.of("myapp")));
      assertEquals(Severity.NOTICE, message.severity());
      assertEquals("hello", message.message());

      String remote = System.getProperty(SYSLOG_UDP);
      Clients.sendUdp(Clients.parse(remote), HELLO + " over udp");
      String tcp = System.getProperty(SYSLOG_TCP);
      assertEquals("", Clients.exchangeTcp(Clients.parse(tcp), HELLO + " over tcp\n"));
      reporter.publishEntry(Map.of(
          "unixgram", log.path().toString(), "syslog", syslog.path().toString(), "syslogUdp", remote));
    }

    @Test
    void viaInjectedRemotes(@ManagedFake("remote") SyslogServer remote, @ManagedFake("tcp") SyslogServer tcp) {
      assertEquals(SyslogTransport.UDP, remote.transport());
      Clients.sendUdp(Clients.parse(System.getProperty(SYSLOG_UDP)), HELLO + " again");
      assertEquals("myapp", remote.awaitMessage(m -> m.message().endsWith("again")).appName().orElseThrow());
      assertEquals("", Clients.exchangeTcp(Clients.parse(System.getProperty(SYSLOG_TCP)), HELLO + " over tcp\n"));
      assertEquals("hello over tcp", tcp.awaitMessage().message());
    }
  }

  @Fixture
  @WithUdpServer(name = "metrics")
  static class Evidence {
    @Test
    @WithSyslogServer
    void fails(UdpServer metrics, SyslogServer syslog, TestReporter reporter) {
      Clients.sendUdp(metrics.address(), "logins:1|c");
      metrics.awaitDatagram();
      Clients.sendUnixDatagram(syslog.path(), HELLO);
      syslog.awaitMessage();
      reporter.publishEntry("socket", syslog.path().toString());
      fail("the program under test misbehaved");
    }

    @Test
    @WithUnixDatagramServer(name = "echo", responder = ResponderType.ECHO)
    void unanswerable(@ManagedFake("echo") UnixDatagramServer echo) {
      Clients.sendUnixDatagram(echo.path(), "from an unbound socket");
      echo.awaitReceived("from an unbound socket");
    }
  }

  @Fixture
  static class Fields {
    @ManagedFake static final UdpServer shared = UdpServer.create();
    @ManagedFake("daemon") final SyslogServer syslog = SyslogServer.create(SyslogTransport.UNIX_STREAM);

    @Test
    void first(TestReporter reporter) {
      check(reporter);
    }

    @Test
    void second(TestReporter reporter) {
      check(reporter);
    }

    private void check(TestReporter reporter) {
      assertTrue(shared.isRunning());
      Clients.sendUdp(shared.address(), "hello");
      shared.awaitReceived("hello");
      Clients.sendUnix(syslog.path(), HELLO + "\n");
      assertEquals(Optional.of("myapp"), syslog.awaitMessage().appName());
      reporter.publishEntry(Map.of("udp", shared.hostAndPort(), "syslog", syslog.path().toString()));
    }
  }

  @Fixture
  static class Misconfigured {
    @Test
    @WithSyslogServer(transport = SyslogTransport.UDP, permissions = "rw-rw-rw-")
    void pathOnUdp(SyslogServer syslog) {}

    @Test
    @WithUdpServer(responder = ResponderType.ECHO, reply = "OK")
    void echoAndReply(UdpServer udp) {}

    @Test
    @WithUnixDatagramServer(path = "/tmp/x.sock", abstractName = "x")
    void pathAndAbstractName(UnixDatagramServer server) {}

    @Test
    @WithSyslogServer(permissions = "rwx")
    void badPermissions(SyslogServer syslog) {}
  }
}
