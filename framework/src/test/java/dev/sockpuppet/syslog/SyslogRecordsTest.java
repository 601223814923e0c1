package dev.sockpuppet.syslog;

import static dev.sockpuppet.syslog.SyslogRecords.Mode.TCP;
import static dev.sockpuppet.syslog.SyslogRecords.Mode.UNIX_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream splitter. Every stream is fed whole, a byte at a time and cut at every offset (see
 * {@link #records}), and all must give the same records.
 */
class SyslogRecordsTest {
  /**
   * Captured from {@code printf 'oct one\noct two\n' | logger -u /tmp/sl/s.sock --octet-count
   * --rfc5424=notq -t myapp -p user.info} with a Python receiver on a Unix stream socket.
   */
  private static final String LOGGER_OCTET_COUNTING =
      "61 <14>1 2026-11-21T18:46:25.846465+00:00 vm myapp - - - oct one"
          + "61 <14>1 2026-11-21T18:46:25.846537+00:00 vm myapp - - - oct two";

  /** Captured from {@code printf 'line one\nline two\n' | logger -u /tmp/sl/s.sock -t myapp -p user.info}. */
  private static final String LOGGER_UNIX_STREAM =
      "<14>Nov 21 18:46:25 myapp: line one\n<14>Nov 21 18:46:25 myapp: line two\n";

  /** Records as {@code "text"} or {@code "text ! problem"}, checked to be the same however the stream is cut. */
  private static List<String> records(SyslogRecords.Mode mode, int max, String stream) {
    byte[] data = stream.getBytes(StandardCharsets.ISO_8859_1);
    List<SyslogRecords.Framed> whole = SyslogFuzzTest.split(mode, max, data, data.length);
    assertEquals(whole, SyslogFuzzTest.split(mode, max, data, 1), "fed a byte at a time");
    for (int cut = 1; cut < data.length; cut++) {
      SyslogRecords records = new SyslogRecords(mode, max);
      List<SyslogRecords.Framed> out = new ArrayList<>(records.feed(data, 0, cut));
      out.addAll(records.feed(Bytes.of(data, cut, data.length - cut)));
      out.addAll(records.end());
      assertEquals(whole, out, "cut at " + cut);
    }
    List<String> shown = new ArrayList<>();
    for (SyslogRecords.Framed record : whole) {
      shown.add(record.bytes().text(StandardCharsets.ISO_8859_1) + record.problem().map(p -> " ! " + p).orElse(""));
    }
    return shown;
  }

  @Test
  void octetCountingAsLoggerSendsIt() {
    assertEquals(
        List.of(
            "<14>1 2026-11-21T18:46:25.846465+00:00 vm myapp - - - oct one",
            "<14>1 2026-11-21T18:46:25.846537+00:00 vm myapp - - - oct two"),
        records(TCP, 1024, LOGGER_OCTET_COUNTING));
  }

  @Test
  void octetCountedRecordsMayHoldAnyByte() {
    assertEquals(List.of("<13>a\nb\0c", "x", "<13>y"), records(TCP, 1024, "9 <13>a\nb\0c1 x\n5 <13>y"));
  }

  @Test
  void eachRecordKnowsWhereItStarted() {
    byte[] data = LOGGER_OCTET_COUNTING.getBytes(StandardCharsets.US_ASCII);
    List<SyslogRecords.Framed> found = SyslogFuzzTest.split(TCP, 1024, data, 7);
    assertEquals(0, found.get(0).offset());
    assertEquals(64, found.get(1).offset());
    assertEquals(List.of(0L, 8L), SyslogFuzzTest.split(TCP, 1024, "<13>abc\n<13>de\n".getBytes(StandardCharsets.US_ASCII), 3).stream().map(SyslogRecords.Framed::offset).toList());
  }

  @Test
  void nonTransparentFramingEndsAtLfCrLfOrNul() {
    assertEquals(List.of("<13>a", "<13>b", "<13>c", "<13>d\r"), records(TCP, 1024, "<13>a\n<13>b\0<13>c\r\n\n\n<13>d\r\r\n"));
  }

  @Test
  void unixStreamAsLoggerAndGlibcSendIt() {
    assertEquals(List.of("<14>Nov 21 18:46:25 myapp: line one", "<14>Nov 21 18:46:25 myapp: line two"), records(UNIX_STREAM, 1024, LOGGER_UNIX_STREAM));
    assertEquals(List.of("<13>Nov 21 18:46:25 app[1]: a", "<13>Nov 21 18:46:25 app[1]: b"), records(UNIX_STREAM, 1024, "<13>Nov 21 18:46:25 app[1]: a\0<13>Nov 21 18:46:25 app[1]: b\0"));
    // A digit first means nothing special on a Unix stream.
    assertEquals(List.of("5 <13>x"), records(UNIX_STREAM, 1024, "5 <13>x\n"));
  }

  @Test
  void atTheEndOfAStreamAPartialRecordIsKept() {
    assertEquals(List.of("<13>last"), records(UNIX_STREAM, 1024, "<13>last"), "glibc's last record may lack its NUL");
    assertEquals(List.of("<13>first", "<13>partial ! the stream ended without a trailer (LF) after this record"), records(TCP, 1024, "<13>first\n<13>partial"));
    assertEquals(
        List.of("<13>one", "<13>p ! the stream ended after 5 of the 10 octets its count declared (RFC 6587 octet counting)"),
        records(TCP, 1024, "7 <13>one10 <13>p"));
    assertEquals(List.of("<13>one", "12 ! the stream ended inside the octet count \"12\""), records(TCP, 1024, "7 <13>one12"));
    assertEquals(List.of(), records(TCP, 1024, ""));
    assertEquals(List.of(), records(UNIX_STREAM, 1024, "\n\0\n"));
  }

  @Test
  void anOversizedCountedRecordIsCutAndExactlyItsLengthSkipped() {
    assertEquals(
        List.of(
            "<13>012345 ! the record of 25 octets is longer than 10 bytes; the remaining 15 bytes were skipped",
            "<13>ok"),
        records(TCP, 10, "25 <13>0123456789abcdefghijk6 <13>ok"));
    assertEquals(
        List.of("<13>012345", "<13>ok"),
        records(TCP, 10, "10 <13>0123456 <13>ok"),
        "exactly the maximum is not too long");
  }

  @Test
  void anOversizedTrailerRecordIsCutAndTheRestSkippedToTheTrailer() {
    assertEquals(
        List.of(
            "<13>012345 ! the record is 25 bytes, longer than 10; the remaining 15 bytes up to the trailer were skipped",
            "<13>ok",
            "<13>abcdef ! the record is 14 bytes, longer than 10; the remaining 4 bytes up to the end of the stream were skipped; the stream ended without a trailer (LF) after this record"),
        records(TCP, 10, "<13>0123456789abcdefghijk\n<13>ok\n<13>abcdefghij"));
    assertEquals(
        List.of("<13>012345 ! the record is 15 bytes, longer than 10; the remaining 5 bytes up to the trailer were skipped", "<13>x"),
        records(UNIX_STREAM, 10, "<13>0123456789a\0<13>x\0"));
  }

  @Test
  void aBadCountSwitchesTheConnectionToNonTransparentFraming() {
    String problem = " (RFC 6587 octet counting); the record runs to the next trailer (LF) and the connection now uses non-transparent framing";
    assertEquals(List.of("12x <13>hi ! the octet count \"12x\" is not a number" + problem, "<13>next", "5 <13>y"), records(TCP, 1024, "12x <13>hi\n<13>next\n5 <13>y\n"));
    assertEquals(List.of("01 <13>z ! the octet count \"0\" starts with a zero" + problem), records(TCP, 1024, "01 <13>z\n"));
    assertEquals(List.of("12345678901 <13>z ! the octet count \"12345678901\" has more than 10 digits" + problem), records(TCP, 1024, "12345678901 <13>z\n"));
    assertEquals(List.of("<13>a", "12 ! the octet count \"12\\n\" is not a number" + problem, "<13>b"), records(TCP, 1024, "5 <13>a12\n<13>b\n"));
  }

  @Test
  void aLfBetweenCountedFramesIsSkipped() {
    assertEquals(List.of("<13>a", "<13>b"), records(TCP, 1024, "5 <13>a\n5 <13>b\r\n"));
  }

  @Test
  void aHundredThousandRecordsAllComeOut() {
    Random random = new Random(99L);
    int count = 100_000;
    List<String> sent = new ArrayList<>(count);
    ByteArrayOutputStream counted = new ByteArrayOutputStream();
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      String record = "<" + (i % 192) + ">1 - host app " + i + " - - " + "m".repeat(random.nextInt(200));
      sent.add(record);
      byte[] bytes = record.getBytes(StandardCharsets.US_ASCII);
      counted.writeBytes((bytes.length + " ").getBytes(StandardCharsets.US_ASCII));
      counted.writeBytes(bytes);
      lines.writeBytes(bytes);
      lines.write(i % 2 == 0 ? '\n' : 0);
    }
    for (byte[] stream : List.of(counted.toByteArray(), lines.toByteArray())) {
      SyslogRecords records = new SyslogRecords(TCP);
      List<String> got = new ArrayList<>(count);
      for (int at = 0; at < stream.length; ) {
        int chunk = Math.min(stream.length - at, 1 + random.nextInt(8192));
        for (SyslogRecords.Framed record : records.feed(stream, at, chunk)) {
          assertEquals(java.util.Optional.empty(), record.problem());
          got.add(record.bytes().text());
        }
        at += chunk;
      }
      assertEquals(List.of(), records.end());
      assertEquals(sent, got);
    }
  }

  @Test
  void misuseFailsClearly() {
    assertEquals(
        "maxRecord must be at least 1 byte, got 0",
        assertThrows(IllegalArgumentException.class, () -> new SyslogRecords(TCP, 0)).getMessage());
    SyslogRecords records = new SyslogRecords(TCP);
    records.end();
    assertEquals("the stream has ended; end() was called", assertThrows(IllegalStateException.class, () -> records.feed(Bytes.of("x"))).getMessage());
    assertEquals("end() was already called", assertThrows(IllegalStateException.class, records::end).getMessage());
  }
}
