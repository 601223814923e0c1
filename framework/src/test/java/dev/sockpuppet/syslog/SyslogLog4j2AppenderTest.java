package dev.sockpuppet.syslog;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.core.util.NetUtils;
import org.apache.logging.log4j.message.StructuredDataMessage;
import org.junit.jupiter.api.Test;

/**
 * Log4j2's {@code SyslogAppender} in its two formats (BSD and RFC 5424) over UDP and TCP. Each test
 * builds its configuration in code and runs it in a {@link LoggerContext} of its own, never the
 * global one, so nothing leaks into other tests; the context stops at the end of the test. The
 * configuration's status level is ERROR, so Log4j2's own status logger stays quiet in the build.
 */
class SyslogLog4j2AppenderTest {
  /** The BSD layout writes the local host name, the RFC 5424 layout the canonical (fully qualified) one. */
  private static final String HOST = NetUtils.getLocalHostname();
  private static final String CANONICAL_HOST = NetUtils.getCanonicalLocalHostname();
  private static final long PID = ProcessHandle.current().pid();

  /**
   * Runs {@code logging} on a logger of a fresh context whose root logger writes to a {@code
   * SyslogAppender} sending to {@code syslog} over {@code protocol}, with the further appender
   * {@code attributes} (name, value, …); stops the context afterwards, which closes the socket.
   */
  private static void log4j(SyslogServer syslog, String protocol, Consumer<Logger> logging, Object... attributes) {
    String name = "syslog-test-" + protocol + "-" + System.nanoTime();
    ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
    builder.setConfigurationName(name).setStatusLevel(Level.ERROR);
    var appender = builder.newAppender("syslog", "Syslog")
        .addAttribute("host", "127.0.0.1")
        .addAttribute("port", syslog.port())
        .addAttribute("protocol", protocol)
        .addAttribute("facility", "LOCAL1");
    for (int i = 0; i < attributes.length; i += 2) {
      appender.addAttribute((String) attributes[i], String.valueOf(attributes[i + 1]));
    }
    builder.add(appender);
    builder.add(builder.newRootLogger(Level.DEBUG).add(builder.newAppenderRef("syslog")));
    LoggerContext context = new LoggerContext(name);
    try {
      context.start(builder.build(false));
      logging.accept(context.getLogger("dev.example.Shop"));
    } finally {
      context.stop();
    }
  }

  private static void logBsd(Logger log) {
    log.info("order 42 placed by Zoë");
    log.error("payment declined: card expired");
  }

  private static String expectedBsd() {
    return """
        RFC3164 local1.info
        timestamp recent
        hostname %1$s, app (none), procid (none), msgid (none)
        sd []
        message "order 42 placed by Zoë"
        error (none)

        RFC3164 local1.err
        timestamp recent
        hostname %1$s, app (none), procid (none), msgid (none)
        sd []
        message "payment declined: card expired"
        error (none)""".formatted(HOST);
  }

  private static void logRfc5424(Logger log) {
    log.warn("stock low for Zoë's basket");
    log.info(new StructuredDataMessage("order", "order 42 placed", "ORDER").with("id", "42").with("total", "12.50 €"));
  }

  private static String expectedRfc5424() {
    return """
        RFC5424 local1.warning
        timestamp recent
        hostname %1$s, app shop, procid %2$d, msgid PAY
        sd []
        message "stock low for Zoë's basket"
        error (none)

        RFC5424 local1.info
        timestamp recent
        hostname %1$s, app shop, procid %2$d, msgid ORDER
        sd [[order@32473 id="42" total="12.50 €"]]
        message "order 42 placed"
        error (none)""".formatted(CANONICAL_HOST, PID);
  }

  @Test
  void bsdFormatOverUdp() {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      log4j(syslog, "UDP", SyslogLog4j2AppenderTest::logBsd);

      assertEquals(expectedBsd(), EmittedFields.of(syslog.awaitMessages(2)));
      assertThat(syslog).hasMessageCount(2);
    }
  }

  @Test
  void bsdFormatOverTcpOneMessageALine() {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.TCP).start()) {
      log4j(syslog, "TCP", SyslogLog4j2AppenderTest::logBsd, "newLine", true);

      assertEquals(expectedBsd(), EmittedFields.of(syslog.awaitMessages(2)));
      assertThat(syslog).hasMessageCount(2);
      assertEquals(1, syslog.traffic().connections().size(), "one connection for both messages");
    }
  }

  @Test
  void rfc5424FormatOverUdp() {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      log4j(syslog, "UDP", SyslogLog4j2AppenderTest::logRfc5424, "format", "RFC5424", "appName", "shop", "messageId", "PAY");

      List<SyslogMessage> messages = syslog.awaitMessages(2);
      assertEquals(expectedRfc5424(), EmittedFields.of(messages));
      assertThat(syslog).hasMessage(SyslogMatcher.message().withSdParam("order@32473", "total", "12.50 €"));
    }
  }

  @Test
  void rfc5424FormatOverTcpOneMessageALine() {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.TCP).start()) {
      log4j(syslog, "TCP", SyslogLog4j2AppenderTest::logRfc5424, "format", "RFC5424", "appName", "shop", "messageId", "PAY",
          "newLine", true);

      assertEquals(expectedRfc5424(), EmittedFields.of(syslog.awaitMessages(2)));
      assertThat(syslog).hasMessageCount(2).hasNoUnparsedMessages();
    }
  }
}
