package dev.sockpuppet.syslog;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.ExternalTools.Result;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Python's {@code logging.handlers.SysLogHandler}, to a Unix datagram socket and over UDP, with the
 * formatter people give it so that a tag and pid come first. It sends {@code <PRI>text\0}: no
 * timestamp, no hostname, UTF-8 without a BOM, a NUL at the end.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SyslogPythonHandlerTest {
  /** Logs three records to the address given as the first argument ("path" or "host:port"). */
  private static final String SCRIPT = """
      import logging, logging.handlers, sys
      target = sys.argv[1]
      address = (target.split(':')[0], int(target.split(':')[1])) if ':' in target else target
      handler = logging.handlers.SysLogHandler(address=address, facility=logging.handlers.SysLogHandler.LOG_LOCAL4)
      handler.setFormatter(logging.Formatter('%(name)s[%(process)d]: %(message)s'))
      log = logging.getLogger('billing')
      log.propagate = False
      log.addHandler(handler)
      log.setLevel(logging.DEBUG)
      log.warning('invoice 42 sent to Zoë: 12,50 € — “paid”')
      log.info('queue empty')
      log.debug('日本語のログ')
      handler.close()
      """;

  private static Result python(String target) throws Exception {
    Result python = ExternalTools.run(List.of("python3", "-", target), SCRIPT);
    assertEquals(0, python.exitCode(), "python3 failed: " + python.stderr());
    return python;
  }

  private static String expected(long pid) {
    return """
        RFC3164 local4.warning
        timestamp (none)
        hostname (none), app billing, procid %1$d, msgid (none)
        sd []
        message "invoice 42 sent to Zoë: 12,50 € — “paid”"
        error (none)

        RFC3164 local4.info
        timestamp (none)
        hostname (none), app billing, procid %1$d, msgid (none)
        sd []
        message "queue empty"
        error (none)

        RFC3164 local4.debug
        timestamp (none)
        hostname (none), app billing, procid %1$d, msgid (none)
        sd []
        message "日本語のログ"
        error (none)""".formatted(pid);
  }

  @Test
  void logsToAUnixDatagramSocket() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      Result python = python(syslog.path().toString());

      List<SyslogMessage> messages = syslog.awaitMessages(3);
      assertEquals(expected(python.pid()), EmittedFields.of(messages));
      SyslogMessage first = messages.get(0);
      assertEquals(
          Bytes.of("<164>billing[" + python.pid() + "]: invoice 42 sent to Zoë: 12,50 € — “paid”\0"),
          first.raw(),
          "the whole datagram, UTF-8 and the trailing NUL kept");
      assertTrue(first.messageIsUtf8());
      assertThat(syslog).hasMessageCount(3).hasMessagesInOrder(
          SyslogMatcher.message().withSeverity(Severity.WARNING).withTextContaining("Zoë"),
          SyslogMatcher.message().withSeverity(Severity.INFORMATIONAL).withText("queue empty"),
          SyslogMatcher.message().withSeverity(Severity.DEBUG).withText("日本語のログ"));
    }
  }

  @Test
  void logsOverUdp() throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      Result python = python("127.0.0.1:" + syslog.port());

      List<SyslogMessage> messages = syslog.awaitMessages(3);
      assertEquals(expected(python.pid()), EmittedFields.of(messages));
      assertTrue(messages.get(2).raw().endsWith(Bytes.of("日本語のログ\0")), "UTF-8 bytes as sent");
      assertEquals(3, syslog.traffic().datagrams().size(), "one datagram a record");
    }
  }
}
