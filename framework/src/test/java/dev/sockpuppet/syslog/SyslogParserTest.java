package dev.sockpuppet.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The parser on the RFCs' own examples, on bytes real emitters sent, and on broken records. Each
 * case compares every field at once (see {@link #fields}), so a field nobody thought to check
 * cannot change unnoticed.
 */
class SyslogParserTest {
  /** Receive time for BSD timestamps: 2026-11-21 19:00 UTC. */
  static final ZonedDateTime RECEIVED = ZonedDateTime.of(2026, 11, 21, 19, 0, 0, 0, ZoneId.of("UTC"));

  static final String BOM = "\uFEFF";

  static SyslogMessage parse(String text) {
    return parse(Bytes.of(text));
  }

  static SyslogMessage parse(Bytes raw) {
    SyslogMessage m = SyslogParser.parse(0, raw, null, Duration.ZERO, RECEIVED);
    assertEquals(raw, m.raw(), "raw is the record as given");
    assertTrue(raw.endsWith(m.messageBytes()), "messageBytes is the end of raw");
    return m;
  }

  /** Every field of {@code m} but raw (checked in {@link #parse(Bytes)}), one group a line. */
  static String fields(SyslogMessage m) {
    return String.join(
        "\n",
        m.format() + " " + m.priority() + " " + m.facility().keyword() + "." + m.severity().keyword(),
        "timestamp " + text(m.timestampText()) + " = " + text(m.timestamp()),
        "hostname " + text(m.hostname()) + ", app " + text(m.appName()) + ", procid " + text(m.procId()) + ", msgid " + text(m.msgId()),
        "sd " + m.structuredData(),
        "message \"" + m.message() + "\"" + (m.messageIsUtf8() ? "" : " (not UTF-8)"),
        "error " + text(m.parseError()));
  }

  private static String text(Optional<?> value) {
    return value.map(String::valueOf).orElse("(none)");
  }

  @Nested
  class Rfc5424Examples {
    @Test
    void example1WithBom() {
      SyslogMessage m = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " + BOM + "'su root' failed for lonvick on /dev/pts/8");
      assertEquals(
          """
          RFC5424 34 auth.crit
          timestamp 2003-10-11T22:14:15.003Z = 2003-10-11T22:14:15.003Z
          hostname mymachine.example.com, app su, procid (none), msgid ID47
          sd []
          message "'su root' failed for lonvick on /dev/pts/8"
          error (none)""",
          fields(m));
      assertTrue(m.messageBytes().startsWith(Bytes.ofHex("efbbbf")), "messageBytes keeps the BOM");
    }

    @Test
    void example2WithOffsetAndMicroseconds() {
      SyslogMessage m = parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
      assertEquals(
          """
          RFC5424 165 local4.notice
          timestamp 2003-08-24T05:14:15.000003-07:00 = 2003-08-24T12:14:15.000003Z
          hostname 192.0.2.1, app myproc, procid 8710, msgid (none)
          sd []
          message "%% It's time to make the do-nuts."
          error (none)""",
          fields(m));
    }

    @Test
    void example3WithStructuredData() {
      SyslogMessage m =
          parse(
              "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                  + BOM
                  + "An application event log entry...");
      assertEquals(
          """
          RFC5424 165 local4.notice
          timestamp 2003-10-11T22:14:15.003Z = 2003-10-11T22:14:15.003Z
          hostname mymachine.example.com, app evntslog, procid (none), msgid ID47
          sd [[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]]
          message "An application event log entry..."
          error (none)""",
          fields(m));
      assertEquals(Optional.of("Application"), m.sdParam("exampleSDID@32473", "eventSource"));
      assertEquals(Optional.empty(), m.sdParam("exampleSDID@32473", "nothing"));
      assertEquals(Optional.empty(), m.sdParam("other", "iut"));
    }

    @Test
    void example4TwoElementsAndNoMessage() {
      SyslogMessage m =
          parse(
              "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
      assertEquals(
          """
          RFC5424 165 local4.notice
          timestamp 2003-10-11T22:14:15.003Z = 2003-10-11T22:14:15.003Z
          hostname mymachine.example.com, app evntslog, procid (none), msgid ID47
          sd [[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"], [examplePriority@32473 class="high"]]
          message ""
          error (none)""",
          fields(m));
      assertEquals(Optional.of("high"), m.sdParam("examplePriority@32473", "class"));
      assertEquals(Bytes.empty(), m.messageBytes());
    }
  }

  @Nested
  class Rfc3164Examples {
    @Test
    void example1() {
      assertEquals(
          """
          RFC3164 34 auth.crit
          timestamp Oct 11 22:14:15 = 2026-10-11T22:14:15Z
          hostname mymachine, app su, procid (none), msgid (none)
          sd []
          message "'su root' failed for lonvick on /dev/pts/8"
          error (none)""",
          fields(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")));
    }

    @Test
    void example2HasNoPriAndBecomesUserNotice() {
      assertEquals(
          """
          UNPARSED 13 user.notice
          timestamp (none) = (none)
          hostname (none), app (none), procid (none), msgid (none)
          sd []
          message "Use the BFG!"
          error no PRI: the record starts with 'U', not '<', at offset 0; taken as user.notice (PRI 13) with the whole record as MSG (RFC 3164 §4.3.3)""",
          fields(parse("Use the BFG!")));
    }

    @Test
    void example2AsTheRelayRewroteIt() {
      assertEquals(
          """
          RFC3164 13 user.notice
          timestamp Feb  5 17:32:18 = 2026-02-05T17:32:18Z
          hostname 10.0.0.99, app (none), procid (none), msgid (none)
          sd []
          message "Use the BFG!"
          error (none)""",
          fields(parse("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!")));
    }

    @Test
    void example3TakesTheTokenAfterTheTimestampAsHostname() {
      // The RFC's point: a relay cannot tell that "CST 1987" is not HOSTNAME and CONTENT.
      assertEquals(
          """
          RFC3164 165 local4.notice
          timestamp Aug 24 05:34:00 = 2026-08-24T05:34:00Z
          hostname CST, app (none), procid (none), msgid (none)
          sd []
          message "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jump=OK, Weight=OK, Temp=OK %% Steps: Check=OK, Action=OK %% Quality: Release=OK, Quality=OK"
          error (none)""",
          fields(
              parse(
                  "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jump=OK, Weight=OK, Temp=OK %% Steps: Check=OK, Action=OK %% Quality: Release=OK, Quality=OK")));
    }

    @Test
    void example4HasNoValidTimestampSoAllIsContent() {
      assertEquals(
          """
          RFC3164 0 kern.emerg
          timestamp (none) = (none)
          hostname (none), app (none), procid (none), msgid (none)
          sd []
          message "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"
          error (none)""",
          fields(parse("<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!")));
    }
  }

  /**
   * Bytes real emitters sent, captured once on Debian (util-linux 2.38.1, Python 3.11.7) with a
   * Python receiver printing {@code repr(sock.recv(70000))} for each datagram on a Unix datagram
   * socket /tmp/sl/d.sock:
   *
   * <pre>
   * logger -u /tmp/sl/d.sock -t myapp -i -p user.err "hello local"
   * logger -u /tmp/sl/d.sock --rfc3164 -t myapp -p user.notice "hello 3164"
   * logger -u /tmp/sl/d.sock --rfc5424 -t myapp -p local0.info --msgid ID47 --sd-id zoo@123 --sd-param tiger=\"hungry\" "hello 5424"
   * logger -u /tmp/sl/d.sock --rfc5424=notq -t myapp -p local0.info "no time quality"
   * logger -u /tmp/sl/d.sock --rfc5424=notime,nohost -t myapp -p local0.info "no time no host"
   * logger -u /tmp/sl/d.sock -t myapp -p user.info "é ünïcode"
   * logger -u /tmp/sl/d.sock --rfc5424 -t myapp -p user.info --sd-id 'x@1' --sd-param 'k="a\\b"' "esc"
   * printf '\xef\xbb\xbfbom text' | logger -u /tmp/sl/d.sock --rfc5424=notq -t myapp -p user.info
   *
   * python3: h = logging.handlers.SysLogHandler(address='/tmp/sl/d.sock'); log.error('plain error')
   *          h.setFormatter(logging.Formatter('myapp: %(message)s')); log.warning('with tag')
   *          h.ident = 'myapp[42]: '; log.info('with ident')
   *          SysLogHandler(..., facility=LOG_LOCAL3) with append_nul = False; log.debug('no nul local3')
   * </pre>
   */
  @Nested
  class RealEmitters {
    @Test
    void loggerLocalIsTheGlibcFormWithoutHostname() {
      assertEquals(
          """
          RFC3164 11 user.err
          timestamp Nov 21 18:46:12 = 2026-11-21T18:46:12Z
          hostname (none), app myapp, procid 31047, msgid (none)
          sd []
          message "hello local"
          error (none)""",
          fields(parse("<11>Nov 21 18:46:12 myapp[31047]: hello local")));
    }

    @Test
    void loggerRfc3164HasHostnameAndTag() {
      assertEquals(
          """
          RFC3164 13 user.notice
          timestamp Nov 21 18:46:12 = 2026-11-21T18:46:12Z
          hostname vm, app myapp, procid (none), msgid (none)
          sd []
          message "hello 3164"
          error (none)""",
          fields(parse("<13>Nov 21 18:46:12 vm myapp: hello 3164")));
    }

    @Test
    void loggerRfc5424WithStructuredData() {
      assertEquals(
          """
          RFC5424 134 local0.info
          timestamp 2026-11-21T18:46:12.037541+00:00 = 2026-11-21T18:46:12.037541Z
          hostname vm, app myapp, procid (none), msgid ID47
          sd [[timeQuality tzKnown="1" isSynced="0"], [zoo@123 tiger="hungry"]]
          message "hello 5424"
          error (none)""",
          fields(
              parse(
                  "<134>1 2026-11-21T18:46:12.037541+00:00 vm myapp - ID47 [timeQuality tzKnown=\"1\" isSynced=\"0\"][zoo@123 tiger=\"hungry\"] hello 5424")));
    }

    @Test
    void loggerRfc5424WithoutTimeQuality() {
      assertEquals(
          """
          RFC5424 134 local0.info
          timestamp 2026-11-21T18:46:12.041236+00:00 = 2026-11-21T18:46:12.041236Z
          hostname vm, app myapp, procid (none), msgid (none)
          sd []
          message "no time quality"
          error (none)""",
          fields(parse("<134>1 2026-11-21T18:46:12.041236+00:00 vm myapp - - - no time quality")));
    }

    @Test
    void loggerRfc5424AllNil() {
      assertEquals(
          """
          RFC5424 134 local0.info
          timestamp (none) = (none)
          hostname (none), app myapp, procid (none), msgid (none)
          sd []
          message "no time no host"
          error (none)""",
          fields(parse("<134>1 - - myapp - - - no time no host")));
    }

    @Test
    void loggerUtf8Text() {
      SyslogMessage m = parse(Bytes.ofHex("3c31343e4e6f762032312031383a34363a3132206d796170703a20c3a920c3bc6ec3af636f6465"));
      assertEquals(
          """
          RFC3164 14 user.info
          timestamp Nov 21 18:46:12 = 2026-11-21T18:46:12Z
          hostname (none), app myapp, procid (none), msgid (none)
          sd []
          message "é ünïcode"
          error (none)""",
          fields(m));
    }

    @Test
    void loggerEscapedBackslashInParamValue() {
      // On the wire: k="a\\b", one escaped backslash.
      SyslogMessage m = parse("<14>1 2026-11-21T18:46:30.943304+00:00 vm myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"][x@1 k=\"a\\\\b\"] esc");
      assertEquals(Optional.of("a\\b"), m.sdParam("x@1", "k"));
      assertEquals("esc", m.message());
      assertEquals(Optional.empty(), m.parseError());
    }

    @Test
    void loggerBomBeforeMessage() {
      SyslogMessage m = parse(Bytes.concat(Bytes.of("<14>1 2026-11-21T18:46:30.946789+00:00 vm myapp - - - "), Bytes.ofHex("efbbbf"), Bytes.of("bom text")));
      assertEquals("bom text", m.message());
      assertEquals(Bytes.concat(Bytes.ofHex("efbbbf"), Bytes.of("bom text")), m.messageBytes());
      assertTrue(m.messageIsUtf8());
    }

    @Test
    void pythonPlainMessageEndsWithNul() {
      SyslogMessage m = parse("<11>plain error\0");
      assertEquals(
          """
          RFC3164 11 user.err
          timestamp (none) = (none)
          hostname (none), app (none), procid (none), msgid (none)
          sd []
          message "plain error"
          error (none)""",
          fields(m));
      assertEquals(Bytes.of("plain error\0"), m.messageBytes());
    }

    @Test
    void pythonFormatterWithTag() {
      assertEquals(
          """
          RFC3164 12 user.warning
          timestamp (none) = (none)
          hostname (none), app myapp, procid (none), msgid (none)
          sd []
          message "with tag"
          error (none)""",
          fields(parse("<12>myapp: with tag\0")));
    }

    @Test
    void pythonIdentWithPid() {
      assertEquals(
          """
          RFC3164 14 user.info
          timestamp (none) = (none)
          hostname (none), app myapp, procid 42, msgid (none)
          sd []
          message "with ident"
          error (none)""",
          fields(parse("<14>myapp[42]: with ident\0")));
    }

    @Test
    void pythonWithoutNul() {
      SyslogMessage m = parse("<159>no nul local3");
      assertEquals(Facility.LOCAL3, m.facility());
      assertEquals(Severity.DEBUG, m.severity());
      assertEquals("no nul local3", m.message());
      assertEquals(Optional.empty(), m.appName());
    }

    /** Written after busybox's syslogd format (not captured here: busybox is not installed). */
    @Test
    void busyboxSpacePaddedDay() {
      assertEquals(
          """
          RFC3164 13 user.notice
          timestamp Nov  1 08:05:01 = 2026-11-01T08:05:01Z
          hostname (none), app tag, procid (none), msgid (none)
          sd []
          message "text"
          error (none)""",
          fields(parse("<13>Nov  1 08:05:01 tag: text")));
    }

    /** Log4j2's SyslogLayout and Logback's SyslogAppender write a hostname and no tag (written after their docs). */
    @Test
    void log4jAndLogbackBsdLayouts() {
      SyslogMessage log4j = parse("<14>Nov 21 18:45:01 hostname text of the event");
      assertEquals(Optional.of("hostname"), log4j.hostname());
      assertEquals(Optional.empty(), log4j.appName());
      assertEquals("text of the event", log4j.message());
      SyslogMessage logback = parse("<11>Nov 21 18:45:01 hostname [main] ERROR com.example.App - boom");
      assertEquals(Optional.of("hostname"), logback.hostname());
      assertEquals(Optional.empty(), logback.appName());
      assertEquals("[main] ERROR com.example.App - boom", logback.message());
    }
  }

  @Nested
  class Rfc3164Timestamps {
    @Test
    void aDateMoreThanADayAheadIsLastYear() {
      ZonedDateTime newYear = ZonedDateTime.of(2027, 1, 1, 0, 0, 30, 0, ZoneId.of("Europe/Berlin"));
      SyslogMessage m = SyslogParser.parse(0, Bytes.of("<13>Dec 31 23:59:59 host app: late"), null, Duration.ZERO, newYear);
      assertEquals(Optional.of(Instant.parse("2026-12-31T22:59:59Z")), m.timestamp(), "read in the receive time's zone, last year");
      SyslogMessage tomorrow = SyslogParser.parse(0, Bytes.of("<13>Jan  2 00:00:10 host app: early"), null, Duration.ZERO, newYear);
      assertEquals(Optional.of(Instant.parse("2027-01-01T23:00:10Z")), tomorrow.timestamp(), "less than a day ahead stays this year");
    }

    @Test
    void anImpossibleDateKeepsTheTextAndSaysWhy() {
      SyslogMessage m = parse("<13>Feb 30 10:00:00 host app: x");
      assertEquals(Optional.of("Feb 30 10:00:00"), m.timestampText());
      assertEquals(Optional.empty(), m.timestamp());
      assertEquals(Optional.of("host"), m.hostname());
      assertEquals(Optional.of("app"), m.appName());
      assertEquals(
          Optional.of("TIMESTAMP \"Feb 30 10:00:00\" is not a valid date and time in 2026 or 2025 (Invalid date 'FEBRUARY 30') at offset 4"),
          m.parseError());
    }

    @Test
    void anRfc3339TimestampIsReadToo() {
      SyslogMessage m = parse("<13>2026-11-21T18:45:01.5+01:00 host app[7]: forwarded");
      assertEquals(SyslogFormat.RFC3164, m.format());
      assertEquals(Optional.of(Instant.parse("2026-11-21T17:45:01.500Z")), m.timestamp());
      assertEquals(Optional.of("host"), m.hostname());
      assertEquals(Optional.of("7"), m.procId());
    }
  }

  @Nested
  class Malformed {
    private static final String AS_USER_NOTICE = "; taken as user.notice (PRI 13) with the whole record as MSG (RFC 3164 §4.3.3)";

    private void assertUnparsed(String raw, String error) {
      SyslogMessage m = parse(raw);
      assertEquals(SyslogFormat.UNPARSED, m.format(), raw);
      assertEquals(13, m.priority());
      assertEquals(Bytes.of(raw), m.messageBytes(), "the whole record is MSG");
      assertEquals(Optional.of(error + AS_USER_NOTICE), m.parseError());
    }

    @Test
    void badPri() {
      assertUnparsed("<999>x", "PRI \"<999>\" is out of range 0..191 at offset 0");
      assertUnparsed("<192>x", "PRI \"<192>\" is out of range 0..191 at offset 0");
      assertUnparsed("<abc>x", "PRI \"<abc>\" is not a number at offset 0");
      assertUnparsed("<>x", "PRI \"<>\" has no digits at offset 0");
      assertUnparsed("<13 no close", "PRI \"<13 n\" is not closed by '>' after at most 3 digits at offset 0");
      assertUnparsed("<013>x", "PRI \"<013>\" has a leading zero, which RFC 5424 §6.2.1 forbids, at offset 0");
      assertUnparsed("<1234>x", "PRI \"<1234>\" has more than 3 digits at offset 0");
      assertUnparsed("<", "PRI \"<\" is not closed by '>' after at most 3 digits at offset 0");
      assertUnparsed("\u0001<13>x", "no PRI: the record starts with byte 0x01, not '<', at offset 0");
      assertEquals(191, parse("<191>x").priority());
      assertEquals(0, parse("<0>x").priority());
    }

    @Test
    void emptyInput() {
      SyslogMessage m = parse(Bytes.empty());
      assertEquals(
          """
          UNPARSED 13 user.notice
          timestamp (none) = (none)
          hostname (none), app (none), procid (none), msgid (none)
          sd []
          message ""
          error empty record: no PRI at offset 0; taken as user.notice (PRI 13) with the whole record as MSG (RFC 3164 §4.3.3)""",
          fields(m));
    }

    @Test
    void onlyPri() {
      assertEquals(
          """
          RFC3164 13 user.notice
          timestamp (none) = (none)
          hostname (none), app (none), procid (none), msgid (none)
          sd []
          message ""
          error (none)""",
          fields(parse("<13>")));
    }

    @Test
    void truncatedHeaderKeepsWhatCameBefore() {
      assertEquals(
          """
          RFC5424 34 auth.crit
          timestamp 2003-10-11T22:14:15.003Z = 2003-10-11T22:14:15.003Z
          hostname mymachine, app (none), procid (none), msgid (none)
          sd []
          message ""
          error header truncated after HOSTNAME at offset 40: APP-NAME, PROCID, MSGID, STRUCTURED-DATA missing""",
          fields(parse("<34>1 2003-10-11T22:14:15.003Z mymachine")));
      assertEquals(
          Optional.of("header truncated after MSGID at offset 23: STRUCTURED-DATA missing"),
          parse("<34>1 - host app 12 ID ").parseError());
      assertEquals(
          Optional.of("header truncated after TIMESTAMP at offset 7: HOSTNAME, APP-NAME, PROCID, MSGID, STRUCTURED-DATA missing"),
          parse("<34>1 -").parseError());
    }

    @Test
    void badFieldsAreNamedWithTheirOffsetAndKept() {
      String host = "h".repeat(256);
      SyslogMessage m = parse("<34>1 - " + host + " " + "a".repeat(49) + " p\u00e9 - - text");
      assertEquals(Optional.of(host), m.hostname());
      assertEquals(Optional.of("a".repeat(49)), m.appName());
      assertEquals(Optional.of("pé"), m.procId());
      assertEquals("text", m.message());
      assertEquals(
          Optional.of(
              "HOSTNAME is 256 bytes long at offset 8; RFC 5424 allows at most 255; "
                  + "APP-NAME is 49 bytes long at offset 265; RFC 5424 allows at most 48; "
                  + "PROCID has byte 0xc3, which is not printable US-ASCII, at offset 316"),
          m.parseError());
      assertEquals(
          Optional.of("MSGID is empty (two spaces in a row) at offset 14"),
          parse("<34>1 - h a p  - x").parseError());
    }

    @Test
    void badTimestamps() {
      SyslogMessage m = parse("<34>1 2003-10-11 22:14:15 host app - - - x");
      assertEquals(Optional.of("2003-10-11"), m.timestampText());
      assertEquals(Optional.empty(), m.timestamp());
      assertEquals(
          Optional.of("TIMESTAMP \"2003-10-11\" is not an RFC 5424 date-time (YYYY-MM-DDThh:mm:ss[.fraction] and Z or ±hh:mm) at offset 6"),
          m.parseError());
      SyslogMessage leap = parse("<34>1 2003-10-11T23:59:60Z host app - - - x");
      assertEquals(Optional.empty(), leap.timestamp());
      assertTrue(leap.parseError().orElseThrow().startsWith("TIMESTAMP \"2003-10-11T23:59:60Z\" is not a valid date and time ("), leap.parseError().orElseThrow());
      SyslogMessage nanos = parse("<34>1 2003-10-11T22:14:15.123456789Z host app - - - x");
      assertEquals(Optional.of(Instant.parse("2003-10-11T22:14:15.123456789Z")), nanos.timestamp());
      assertEquals(Optional.of("TIMESTAMP \"2003-10-11T22:14:15.123456789Z\" has 9 fractional digits, RFC 5424 allows 6, at offset 6"), nanos.parseError());
    }

    @Test
    void anotherVersionIsReadAsOneWithAnError() {
      SyslogMessage m = parse("<34>2 - host app - - - x");
      assertEquals(SyslogFormat.RFC5424, m.format());
      assertEquals("x", m.message());
      assertEquals(Optional.of("VERSION \"2\" at offset 4 is not 1, the only version RFC 5424 defines; read as version 1"), m.parseError());
    }

    @Test
    void aBsdTextStartingWithANumberIsNotRfc5424() {
      SyslogMessage m = parse("<11>3 disks failed");
      assertEquals(SyslogFormat.RFC3164, m.format());
      assertEquals("3 disks failed", m.message());
      assertEquals(Optional.empty(), m.parseError());
    }

    @Test
    void invalidUtf8InMessage() {
      Bytes raw = Bytes.concat(Bytes.of("<13>1 - h a - - - ok "), Bytes.ofHex("ff c3 28 e2 82"), Bytes.of(" end"));
      SyslogMessage m = parse(raw);
      assertEquals(Bytes.concat(Bytes.of("ok "), Bytes.ofHex("ff c3 28 e2 82"), Bytes.of(" end")), m.messageBytes());
      assertEquals("ok \uFFFD\uFFFD(\uFFFD end", m.message());
      assertFalse(m.messageIsUtf8());
      assertEquals(Optional.empty(), m.parseError(), "bad text is not a header problem");
    }

    @Test
    void a64KiBMessageIsKeptWhole() {
      String big = "x".repeat(64 * 1024);
      SyslogMessage m = parse("<13>1 - h a - - - " + big);
      assertEquals(big, m.message());
      assertEquals(64 * 1024, m.messageBytes().size());
      assertEquals(Optional.empty(), m.parseError());
    }

    @Test
    void structuredDataEscapes() {
      // [e@1 a="q\"b\\s\]c" b="\x" a="again"]: three escapes, a backslash kept before 'x', a repeated name.
      SyslogMessage m = parse("<13>1 - h a - - [e@1 a=\"q\\\"b\\\\s\\]c\" b=\"\\x\" a=\"again\"] msg");
      assertEquals(
          java.util.List.of(new SdParam("a", "q\"b\\s]c"), new SdParam("b", "\\x"), new SdParam("a", "again")),
          m.structuredData().get(0).params());
      assertEquals(Optional.of("q\"b\\s]c"), m.sdParam("e@1", "a"), "the first of a repeated name");
      assertEquals("msg", m.message());
      assertEquals(Optional.empty(), m.parseError());
    }

    @Test
    void unterminatedStructuredDataKeepsEarlierElementsAndTheText() {
      SyslogMessage m = parse("<13>1 - h a - - [ok@1 a=\"1\"][bad@1 b=\"2 text that never closes");
      assertEquals("[[ok@1 a=\"1\"]]", m.structuredData().toString());
      assertEquals("[bad@1 b=\"2 text that never closes", m.message());
      assertEquals(Optional.of("SD-ELEMENT at offset 28 is not closed by ']' before the record ends at offset 62; the rest is kept as MSG"), m.parseError());
      SyslogMessage open = parse("<13>1 - h a - - [x@1 k=\"never closed] msg");
      assertEquals("[x@1 k=\"never closed] msg", open.message());
      assertEquals(Optional.of("SD-ELEMENT at offset 16 is not closed by ']' before the record ends at offset 41; the rest is kept as MSG"), open.parseError());
    }

    @Test
    void otherStructuredDataProblems() {
      assertEquals(
          Optional.of("STRUCTURED-DATA is neither '-' nor an SD-ELEMENT starting with '[' at offset 16; the rest is kept as MSG"),
          parse("<13>1 - h a - - text").parseError());
      assertEquals("text", parse("<13>1 - h a - - text").message());
      assertEquals(
          Optional.of("STRUCTURED-DATA is followed by 'x', not a space, at offset 21; the rest is kept as MSG"),
          parse("<13>1 - h a - - [a@1]x").parseError());
      assertEquals(
          Optional.of("PARAM-VALUE of \"k\" has ']' without a backslash at offset 24; kept as ']'"),
          parse("<13>1 - h a - - [a@1 k=\"]\"] m").parseError());
      assertEquals(
          Optional.of("SD-ID \"a@1\" at offset 21 appears twice, which RFC 5424 §6.3.2 forbids"),
          parse("<13>1 - h a - - [a@1][a@1] m").parseError());
      assertEquals(
          Optional.of("SD-PARAM at offset 21 in SD-ELEMENT \"a@1\" has ' ' where '=' belongs, at offset 22"),
          parse("<13>1 - h a - - [a@1 k v] m").parseError());
      assertEquals(Optional.of("SD-ID is empty at offset 17"), parse("<13>1 - h a - - [] m").parseError());
      assertEquals(Optional.of("PARAM-VALUE of \"k\" does not start with '\"' at offset 23"), parse("<13>1 - h a - - [a@1 k=v] m").parseError());
    }

    @Test
    void trailingNulAndNewlineAreStrippedOnceFromTheText() {
      assertEquals("x", parse("<13>x\n").message());
      assertEquals("x", parse("<13>x\r\n").message());
      assertEquals("x", parse("<13>x\n\0").message());
      assertEquals("x\n", parse("<13>x\n\n").message());
      assertEquals("x\0", parse("<13>x\0\0").message());
      assertEquals("x\r", parse("<13>x\r").message());
      assertEquals(Bytes.of("x\n\0"), parse("<13>x\n\0").messageBytes());
      assertEquals("", parse("<13>1 - h a - - - \uFEFF\n").message());
    }

    @Test
    void aFramingProblemComesFirstInTheParseError() {
      SyslogMessage m = SyslogParser.parse(2, Bytes.of("<999>x"), null, Duration.ofMillis(5), RECEIVED, "cut");
      assertTrue(m.parseError().orElseThrow().startsWith("cut; PRI \"<999>\""), m.parseError().orElseThrow());
      assertEquals(Optional.of("cut"), SyslogParser.parse(0, Bytes.of("<13>ok"), null, Duration.ZERO, RECEIVED, "cut").parseError());
    }
  }

  @Nested
  class TheValue {
    @Test
    void recordsWhereAndWhenItArrived() {
      InetSocketAddress from = InetSocketAddress.createUnresolved("client", 514);
      SyslogMessage m = SyslogParser.parse(3, Bytes.of("<11>Nov 21 18:46:12 myapp[12]: disk full"), from, Duration.ofMillis(40), RECEIVED);
      assertEquals(3, m.index());
      assertEquals(Optional.of(from), m.sender());
      assertEquals(Duration.ofMillis(40), m.at());
      assertEquals("#3 user.err myapp[12] \"disk full\" (RFC3164)", m.toString());
    }

    @Test
    void toStringShowsMsgIdCutTextAndError() {
      SyslogMessage m = parse("<34>1 - h app - ID9 - line\twith \"quotes\" " + "y".repeat(100));
      assertEquals("#0 auth.crit app ID9 \"line\\twith \\\"quotes\\\" " + "y".repeat(61) + "\"… (RFC5424)", m.toString());
      assertEquals(
          "#0 user.notice \"<999>\" (UNPARSED: PRI \"<999>\" is out of range 0..191 at offset 0; taken as user.notice (PRI 13) with the whole record as MSG (RFC 3164 §4.3.3))",
          parse("<999>").toString());
    }

    @Test
    void toStringNeverCutsACharacterInHalf() {
      SyslogMessage m = parse("<13>" + "a".repeat(79) + "\uD83D\uDE00 and more");
      assertEquals("#0 user.notice \"" + "a".repeat(79) + "\"… (RFC3164)", m.toString());
    }

    @Test
    void equalityIsOverEveryField() {
      assertEquals(parse("<13>Nov 21 18:46:12 a: b"), parse("<13>Nov 21 18:46:12 a: b"));
      assertEquals(parse("<13>a: b").hashCode(), parse("<13>a: b").hashCode());
      assertNotEquals(parse("<13>a: b"), parse("<13>a: c"));
      assertNotEquals(parse("<13>a: b"), SyslogParser.parse(1, Bytes.of("<13>a: b"), null, Duration.ZERO, RECEIVED));
      assertNotEquals(
          parse("<13>Nov 21 18:46:12 a: b"),
          SyslogParser.parse(0, Bytes.of("<13>Nov 21 18:46:12 a: b"), null, Duration.ZERO, RECEIVED.withZoneSameInstant(ZoneId.of("Asia/Tokyo"))),
          "the same text read in another zone is another instant");
    }

    @Test
    void publicParseUsesIndexZeroAndNoSender() {
      SyslogMessage m = SyslogMessage.parse(Bytes.of("<11>Nov 21 18:45:01 myapp[123]: disk full"));
      assertEquals(0, m.index());
      assertEquals(Optional.empty(), m.sender());
      assertEquals(Duration.ZERO, m.at());
      assertEquals("disk full", m.message());
      assertTrue(m.timestamp().isPresent());
    }

    @Test
    void badArgumentsAreProgrammingErrors() {
      assertThrows(NullPointerException.class, () -> SyslogMessage.parse(null));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SyslogParser.parse(-1, Bytes.empty(), null, Duration.ZERO, RECEIVED));
      assertEquals("index must not be negative: -1", e.getMessage());
    }
  }
}
