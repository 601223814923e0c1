package dev.sockpuppet.syslog;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Logback's {@code SyslogAppender} (UDP, BSD format) configured in code on a {@link LoggerContext}
 * of its own: SLF4J's static binding is never touched, so Logback never configures itself (no
 * console noise, no global state), and the context stops at the end of the test.
 */
class SyslogLogbackAppenderTest {
  @Test
  void logsOverUdpWithATagAndPidInTheSuffixPattern() throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      LoggerContext context = new LoggerContext();
      context.setName("logback-syslog-test");
      SyslogAppender appender = new SyslogAppender();
      appender.setContext(context);
      appender.setName("syslog");
      appender.setSyslogHost("127.0.0.1");
      appender.setPort(syslog.port());
      appender.setFacility("LOCAL2");
      appender.setSuffixPattern("inventory[4242]: %msg");
      // Logback encodes with the platform charset unless told; a user who logs non-ASCII text sets UTF-8.
      appender.setCharset(StandardCharsets.UTF_8);
      appender.start();
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      root.addAppender(appender);
      try {
        Logger log = context.getLogger("dev.example.Inventory");
        log.warn("stock low: {} left of {}", 3, "Zoë's tea");
        log.info("restocked");
        log.error("count mismatch: shelf 7");
      } finally {
        context.stop();
      }

      List<SyslogMessage> messages = syslog.awaitMessages(3);
      assertEquals(
          """
          RFC3164 local2.warning
          timestamp recent
          hostname %1$s, app inventory, procid 4242, msgid (none)
          sd []
          message "stock low: 3 left of Zoë's tea"
          error (none)

          RFC3164 local2.info
          timestamp recent
          hostname %1$s, app inventory, procid 4242, msgid (none)
          sd []
          message "restocked"
          error (none)

          RFC3164 local2.err
          timestamp recent
          hostname %1$s, app inventory, procid 4242, msgid (none)
          sd []
          message "count mismatch: shelf 7"
          error (none)""".formatted(InetAddress.getLocalHost().getHostName()),
          EmittedFields.of(messages));
      assertThat(syslog).hasMessageCount(3).hasNoUnparsedMessages();
      assertTrue(new StatusUtil(context).getHighestLevel(0) < Status.WARN,
          "Logback reported no warning: " + context.getStatusManager().getCopyOfStatusList());
    }
  }
}
