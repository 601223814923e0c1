package dev.sockpuppet.syslog;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Connection;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.ExternalTools.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * util-linux {@code logger}, the command-line emitter every Linux box has, against each transport.
 * Every test compares all parsed fields of what arrived (see {@link EmittedFields}).
 *
 * <p>util-linux 2.38 (Debian 12) has no {@code --socket-type}: given {@code -u path} it tries a
 * datagram socket and, when the socket is a stream socket, falls back to a stream connection on its
 * own, ending each message with LF. Newer versions that have the option behave the same without
 * it, so the tests do not use it.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "util-linux logger is the Linux emitter")
class SyslogLoggerCommandTest {
  /** The host name as {@code logger} writes it: the full one in RFC 5424, up to the first dot in RFC 3164. */
  private static String host;
  private static String shortHost;

  @TempDir Path dir;

  @BeforeAll
  static void hostName() throws Exception {
    Result uname = ExternalTools.run(List.of("uname", "-n"), "");
    host = uname.stdout().strip();
    shortHost = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
  }

  private static Result logger(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("logger"));
    command.addAll(List.of(args));
    Result logger = ExternalTools.run(command, "");
    assertEquals(0, logger.exitCode(), "logger failed: " + logger.stderr());
    return logger;
  }

  /** The expected fields of one message a text: {@code template} with each text in its {@code %s}. */
  private static String eachOf(List<String> texts, String template) {
    return texts.stream().map(template::formatted).collect(Collectors.joining("\n\n"));
  }

  @Test
  void sendsTheLocalFormatToAUnixDatagramSocketLikeDevLog() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      logger("-u", syslog.path().toString(), "-t", "backup", "-p", "local3.err", "disk full on /var");

      assertEquals(
          """
          RFC3164 local3.err
          timestamp recent
          hostname (none), app backup, procid (none), msgid (none)
          sd []
          message "disk full on /var"
          error (none)""",
          EmittedFields.of(syslog.awaitMessage()));
      assertThat(syslog).hasMessageCount(1).hasNoUnparsedMessages();
    }
  }

  @Test
  void sendsItsOwnPidWithDashIAndAGivenOneWithId() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      Result first = logger("-u", syslog.path().toString(), "-t", "backup", "-i", "started");
      logger("-u", syslog.path().toString(), "-t", "backup", "--id=4242", "finished");

      List<SyslogMessage> messages = syslog.awaitMessages(2);
      assertEquals(
          """
          RFC3164 user.notice
          timestamp recent
          hostname (none), app backup, procid %d, msgid (none)
          sd []
          message "started"
          error (none)

          RFC3164 user.notice
          timestamp recent
          hostname (none), app backup, procid 4242, msgid (none)
          sd []
          message "finished"
          error (none)""".formatted(first.pid()),
          EmittedFields.of(messages));
    }
  }

  @Test
  void sendsAHostnameWithRfc3164() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      logger("-u", syslog.path().toString(), "--rfc3164", "-t", "cron", "-p", "cron.info", "job 7 done");

      assertEquals(
          """
          RFC3164 cron.info
          timestamp recent
          hostname %s, app cron, procid (none), msgid (none)
          sd []
          message "job 7 done"
          error (none)""".formatted(shortHost),
          EmittedFields.of(syslog.awaitMessage()));
    }
  }

  @Test
  void sendsMsgIdAndStructuredDataWithRfc5424() throws Exception {
    try (SyslogServer syslog = SyslogServer.create().start()) {
      Result logger = logger("-u", syslog.path().toString(), "--rfc5424", "-i", "-t", "auth", "-p", "authpriv.warning",
          "--msgid", "LOGIN", "--sd-id", "audit@32473", "--sd-param", "user=\"alice\"",
          "--sd-param", "note=\"said \\\"hi\\\" \\]\"", "three failed attempts");

      SyslogMessage message = syslog.awaitMessage();
      assertEquals(
          """
          RFC5424 authpriv.warning
          timestamp recent
          hostname %s, app auth, procid %d, msgid LOGIN
          sd [[timeQuality tzKnown="1" isSynced="0"], [audit@32473 user="alice" note="said \\"hi\\" \\]"]]
          message "three failed attempts"
          error (none)""".formatted(host, logger.pid()),
          EmittedFields.of(message).replaceAll("isSynced=\"[01]\"", "isSynced=\"0\""));
      assertEquals("said \"hi\" ]", message.sdParam("audit@32473", "note").orElseThrow(), "escapes undone");
      assertThat(syslog).hasMessage(SyslogMatcher.message()
          .withFormat(SyslogFormat.RFC5424).withMsgId("LOGIN").withSdParam("audit@32473", "user", "alice"));
    }
  }

  @Test
  void fallsBackToAStreamConnectionWhenTheSocketIsAUnixStreamSocket() throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UNIX_STREAM).start()) {
      Path lines = Files.writeString(dir.resolve("lines.txt"), "one\ntwo\nthree\n");
      Result logger = logger("-u", syslog.path().toString(), "-t", "batch", "-i", "-p", "daemon.info", "-f", lines.toString());

      List<SyslogMessage> messages = syslog.awaitMessages(3);
      assertEquals(
          eachOf(List.of("one", "two", "three"),
              """
              RFC3164 daemon.info
              timestamp recent
              hostname (none), app batch, procid %d, msgid (none)
              sd []
              message "%%s"
              error (none)""".formatted(logger.pid())),
          EmittedFields.of(messages));
      assertEquals(1, syslog.traffic().connections().size(), "one stream connection for the whole file");
      assertTrue(messages.get(0).raw().text().endsWith(": one"), "the LF is framing, not part of the record");
    }
  }

  @Test
  void sendsRfc5424OverUdp() throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      logger("-d", "-n", "127.0.0.1", "-P", String.valueOf(syslog.port()), "-t", "web", "-p", "local0.debug",
          "--msgid", "REQ", "GET /health 200");

      SyslogMessage message = syslog.awaitMessage();
      assertEquals(
          """
          RFC5424 local0.debug
          timestamp recent
          hostname %s, app web, procid (none), msgid REQ
          sd [[timeQuality tzKnown="1" isSynced="0"]]
          message "GET /health 200"
          error (none)""".formatted(host),
          EmittedFields.of(message).replaceAll("isSynced=\"[01]\"", "isSynced=\"0\""));
      assertTrue(message.sender().isPresent(), "a UDP message has a sender");
    }
  }

  @Test
  void sendsRfc3164OverUdp() throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).start()) {
      logger("-d", "-n", "127.0.0.1", "-P", String.valueOf(syslog.port()), "--rfc3164", "-t", "web", "--id=77",
          "-p", "local0.warning", "slow request");

      assertEquals(
          """
          RFC3164 local0.warning
          timestamp recent
          hostname %s, app web, procid 77, msgid (none)
          sd []
          message "slow request"
          error (none)""".formatted(shortHost),
          EmittedFields.of(syslog.awaitMessage()));
    }
  }

  /** Several lines of a file in one TCP connection, with LF framing and with RFC 6587 octet counting. */
  @ParameterizedTest(name = "octet counting: {0}")
  @ValueSource(booleans = {false, true})
  void sendsEachLineOfAFileOverOneTcpConnectionInOrder(boolean octetCount) throws Exception {
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.TCP).start()) {
      Path lines = Files.writeString(dir.resolve("lines.txt"), "first line\nsecond line\nthird: with a colon\n");
      List<String> args = new ArrayList<>(List.of("-T", "-n", "127.0.0.1", "-P", String.valueOf(syslog.port()),
          "-t", "importer", "-p", "user.err", "--msgid", "IMP", "-f", lines.toString()));
      if (octetCount) {
        args.add(0, "--octet-count");
      }
      logger(args.toArray(String[]::new));

      List<SyslogMessage> messages = syslog.awaitMessages(3);
      assertEquals(
          eachOf(List.of("first line", "second line", "third: with a colon"),
              """
              RFC5424 user.err
              timestamp recent
              hostname %s, app importer, procid (none), msgid IMP
              sd [[timeQuality tzKnown="1" isSynced="0"]]
              message "%%s"
              error (none)""".formatted(host)),
          EmittedFields.of(messages).replaceAll("isSynced=\"[01]\"", "isSynced=\"0\""));
      Connection connection = syslog.traffic().connection(0);
      assertEquals(1, syslog.traffic().connections().size(), "one connection for the whole file");
      String received = connection.received().text();
      assertEquals(octetCount, received.matches("(?s)\\d+ <11>1 .*"), "framing as asked for: " + received);
      assertEquals(!octetCount, received.endsWith("third: with a colon\n"), "framing as asked for: " + received);
      assertThat(syslog).hasMessageCount(3).hasNoUnparsedMessages();
    }
  }
}
