package dev.sockpuppet.samples.audit;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.junit.WithSyslogServer;
import dev.sockpuppet.syslog.Facility;
import dev.sockpuppet.syslog.Severity;
import dev.sockpuppet.syslog.SyslogFormat;
import dev.sockpuppet.syslog.SyslogMatcher;
import dev.sockpuppet.syslog.SyslogMessage;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app that logs to syslog through a Unix datagram socket named in its configuration, tested
 * against a fake {@code /dev/log}.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class AuditLogTest {
  @TempDir Path dir;

  // README: syslog-example
  @Test
  @WithSyslogServer
  void writesAFailedLoginToSyslog(SyslogServer syslog) throws IOException {
    try (AuditLog audit = AuditLog.fromConfig(Map.of("syslog.socket", syslog.path().toString(), "app.name", "shop"))) {
      audit.record("alice", "login", false);
    }

    assertThat(syslog).eventually().hasMessage(SyslogMatcher.message()
        .withFacility(Facility.AUTHPRIV)
        .withSeverity(Severity.WARNING)
        .withAppName("shop")
        .withMsgId("LOGIN")
        .withSdParam("audit@32473", "user", "alice")
        .withText("login failed for alice"));
  }
  // README: end

  @Test
  void writesOneWellFormedRfc5424DatagramPerEventInOrder() throws IOException {
    try (SyslogServer syslog = SyslogServer.create().start();
        AuditLog audit = AuditLog.fromConfig(Map.of("syslog.socket", syslog.path().toString(), "app.name", "shop"))) {
      audit.record("bob", "logout", true);
      audit.record("o\"brien]\\", "delete", false);

      List<SyslogMessage> messages = syslog.awaitMessages(2);
      SyslogMessage logout = messages.get(0);
      assertEquals(SyslogFormat.RFC5424, logout.format());
      assertEquals(Severity.NOTICE, logout.severity());
      assertEquals(String.valueOf(ProcessHandle.current().pid()), logout.procId().orElseThrow());
      assertEquals("logout succeeded for bob", logout.message());
      assertTrue(logout.timestamp().isPresent() && logout.hostname().isPresent(), logout.toString());
      SyslogMessage delete = messages.get(1);
      assertEquals("o\"brien]\\", delete.sdParam("audit@32473", "user").orElseThrow(), "escaped and read back");
      assertEquals("DELETE", delete.msgId().orElseThrow());
      assertThat(syslog).hasMessageCount(2).hasNoUnparsedMessages();
    }
  }

  @Test
  void saysWhichSocketItCouldNotReach() {
    Path missing = dir.resolve("no-such.sock");

    IOException error = assertThrows(IOException.class, () -> AuditLog.fromConfig(Map.of("syslog.socket", missing.toString())));

    assertTrue(error.getMessage().startsWith("cannot reach the syslog socket " + missing + " (syslog.socket): "),
        error.getMessage());
  }
}
