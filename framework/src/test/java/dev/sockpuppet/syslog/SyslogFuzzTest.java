package dev.sockpuppet.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated records (fixed seeds, so a failure repeats): the parser never throws, never
 * takes its last-resort path, and always keeps the record as given; the splitter finds the same
 * records however a random stream is cut.
 */
class SyslogFuzzTest {
  private static final String[] SEEDS = {
    "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed",
    "<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"][p@1 class=\"h\\]i\\\"g\\\\h\"] text",
    "<134>1 - - myapp - - - no time no host",
    "<11>Nov 21 18:46:12 myapp[31047]: hello local",
    "<13>Nov  1 08:05:01 vm myapp: hello 3164",
    "<14>myapp[42]: with ident\0",
    "<13>2026-11-21T18:45:01.5+01:00 host app[7]: forwarded\r\n",
    "Use the BFG!",
  };
  /** Bytes that matter to the grammar, inserted more often than chance would. */
  private static final byte[] SPECIAL = "<>[]\"\\= -:0123456789T.Z+\n\r\0 NovJan".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void parsingNeverThrowsAndKeepsTheRecord() {
    Random random = new Random(20240611L);
    for (int i = 0; i < 20_000; i++) {
      byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8));
      Bytes raw = Bytes.of(input);
      SyslogMessage m = SyslogParser.parse(i, raw, null, Duration.ofNanos(i), SyslogParserTest.RECEIVED);
      String context = "input #" + i + ": " + raw;
      assertEquals(raw, m.raw(), context);
      assertTrue(raw.endsWith(m.messageBytes()), context);
      assertTrue(m.priority() >= 0 && m.priority() <= 191, context);
      assertNotNull(m.message(), context);
      assertNotNull(m.toString(), context);
      m.parseError().ifPresent(error -> assertFalse(error.contains("internal parser error"), context + " → " + error));
      if (m.format() == SyslogFormat.UNPARSED) {
        assertEquals(raw, m.messageBytes(), context);
        assertTrue(m.parseError().isPresent(), context);
      }
      assertEquals(m, SyslogParser.parse(i, raw, null, Duration.ofNanos(i), SyslogParserTest.RECEIVED), context);
    }
  }

  @Test
  void splittingRandomStreamsDoesNotDependOnHowTheyAreCut() {
    Random random = new Random(7L);
    for (int i = 0; i < 2_000; i++) {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int parts = 1 + random.nextInt(6);
      for (int p = 0; p < parts; p++) {
        byte[] record = random.nextBoolean() ? randomBytes(random) : mutate(random, SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8));
        if (random.nextBoolean()) {
          stream.writeBytes((record.length + " ").getBytes(StandardCharsets.US_ASCII));
        }
        stream.writeBytes(record);
        if (random.nextBoolean()) {
          stream.write(random.nextBoolean() ? '\n' : 0);
        }
      }
      byte[] data = stream.toByteArray();
      int max = 1 + random.nextInt(80);
      for (SyslogRecords.Mode mode : SyslogRecords.Mode.values()) {
        String context = mode + " max " + max + " stream #" + i + ": " + Bytes.of(data);
        List<SyslogRecords.Framed> whole = split(mode, max, data, data.length);
        assertEquals(whole, split(mode, max, data, 1), context);
        assertEquals(whole, split(mode, max, data, 1 + random.nextInt(17)), context);
        for (SyslogRecords.Framed record : whole) {
          assertTrue(record.bytes().size() <= max, context);
          assertTrue(record.offset() >= 0 && record.offset() < data.length, context);
        }
      }
    }
  }

  static List<SyslogRecords.Framed> split(SyslogRecords.Mode mode, int max, byte[] data, int chunk) {
    SyslogRecords records = new SyslogRecords(mode, max);
    List<SyslogRecords.Framed> out = new ArrayList<>();
    for (int at = 0; at < data.length; at += chunk) {
      out.addAll(records.feed(data, at, Math.min(chunk, data.length - at)));
    }
    out.addAll(records.end());
    return out;
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(120)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = random.nextInt(3) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (byte) random.nextInt(256);
    }
    if (bytes.length > 0 && random.nextBoolean()) {
      bytes[0] = '<';
    }
    return bytes;
  }

  /** A few random edits: replace, insert, delete, truncate, or repeat a slice. */
  private static byte[] mutate(Random random, byte[] seed) {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : seed) {
      bytes.add(b);
    }
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
      byte value = random.nextBoolean() ? SPECIAL[random.nextInt(SPECIAL.length)] : (byte) random.nextInt(256);
      switch (random.nextInt(5)) {
        case 0 -> {
          if (!bytes.isEmpty()) {
            bytes.set(at, value);
          }
        }
        case 1 -> bytes.add(at, value);
        case 2 -> {
          if (!bytes.isEmpty()) {
            bytes.remove(at);
          }
        }
        case 3 -> bytes.subList(at, bytes.size()).clear();
        default -> {
          int to = Math.min(bytes.size(), at + random.nextInt(10));
          bytes.addAll(at, new ArrayList<>(bytes.subList(at, to)));
        }
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  @Test
  void accessorsDoNotDependOnWhereTheRecordIsKept() {
    // A message decodes its fields on first use, from the array it shares (the recording's slab, at
    // some offset) or from its own copy (a record in pieces or spilled): every way must read alike.
    Random random = new Random(20261121L);
    for (int i = 0; i < 20_000; i++) {
      byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8));
      int offset = random.nextInt(40);
      byte[] padded = new byte[offset + input.length + random.nextInt(40)];
      random.nextBytes(padded);
      System.arraycopy(input, 0, padded, offset, input.length);
      Bytes shared = Bytes.of(padded).slice(offset, offset + input.length);
      int cut = input.length == 0 ? 0 : random.nextInt(input.length);
      Bytes inPieces = Bytes.concat(Bytes.of(input, 0, cut), Bytes.of(input, cut, input.length - cut));
      SyslogMessage fromShared = SyslogParser.parse(i, shared, null, Duration.ofNanos(i), SyslogParserTest.RECEIVED);
      SyslogMessage fromCopy = SyslogParser.parse(i, inPieces, null, Duration.ofNanos(i), SyslogParserTest.RECEIVED);
      String context = "input #" + i + ": " + Bytes.of(input);
      List<Object> expected = accessors(fromShared);
      assertNotNull(fromCopy.toString(), context); // another first ask: toString decodes the fields
      assertEquals(expected, accessors(fromCopy), context);
      assertEquals(fromShared, fromCopy, context);
      assertEquals(fromShared.hashCode(), fromCopy.hashCode(), context);
      assertEquals(Bytes.of(input), fromShared.raw(), context);
    }
  }

  @Test
  void manyThreadsReadingAFreshMessageAtOnceAllSeeTheSameFields() throws Exception {
    Random random = new Random(99);
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int i = 0; i < 2_000; i++) {
        byte[] input = mutate(random, SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8));
        SyslogMessage shared = SyslogParser.parse(i, Bytes.of(input), null, Duration.ZERO, SyslogParserTest.RECEIVED);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<java.util.concurrent.Future<List<Object>>> reads = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          reads.add(pool.submit(() -> {
            start.await();
            return accessors(shared);
          }));
        }
        List<Object> expected =
            accessors(SyslogParser.parse(i, Bytes.of(input), null, Duration.ZERO, SyslogParserTest.RECEIVED));
        for (java.util.concurrent.Future<List<Object>> read : reads) {
          assertEquals(expected, read.get(10, java.util.concurrent.TimeUnit.SECONDS), "input #" + i + ": " + Bytes.of(input));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** What every accessor of {@code m} answers, in one list. */
  static List<Object> accessors(SyslogMessage m) {
    return List.of(
        m.index(), m.format(), m.priority(), m.facility(), m.severity(), m.parseError(), m.timestampText(), m.timestamp(),
        m.hostname(), m.appName(), m.procId(), m.msgId(), m.structuredData(), m.message(), m.messageBytes(),
        m.messageIsUtf8(), m.raw(), m.sender(), m.at(), m.toString(), m.hashCode());
  }

  @Test
  void theHandWrittenUtf8CheckAgreesWithTheJdksStrictDecoder() {
    Random random = new Random(11);
    byte[][] edges = {
      {(byte) 0xc2, (byte) 0x80}, {(byte) 0xc1, (byte) 0xbf}, {(byte) 0xe0, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xe0, (byte) 0x9f, (byte) 0xbf}, {(byte) 0xed, (byte) 0x9f, (byte) 0xbf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf0, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf0, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf},
      {(byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}, {(byte) 0x80},
    };
    for (byte[] edge : edges) {
      assertEquals(strictlyDecodes(edge), SyslogParser.isUtf8(edge), java.util.HexFormat.of().formatHex(edge));
    }
    for (int round = 0; round < 200_000; round++) {
      byte[] bytes = new byte[random.nextInt(6)];
      for (int i = 0; i < bytes.length; i++) {
        // Mostly lead and continuation bytes around the boundaries, where the rules are.
        int kind = random.nextInt(4);
        bytes[i] = (byte) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0x80 + random.nextInt(0x40)
            : kind == 2 ? 0xc0 + random.nextInt(0x40) : random.nextInt(256));
      }
      assertEquals(strictlyDecodes(bytes), SyslogParser.isUtf8(bytes), java.util.HexFormat.of().formatHex(bytes));
    }
  }

  @Test
  void theHandWrittenBsdTimestampReaderAcceptsWhatTheRfc3164PatternAccepts() {
    java.util.regex.Pattern bsd = java.util.regex.Pattern.compile(
        "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( [1-9]|\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?= |$)");
    Random random = new Random(5);
    String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo", "nov", "Ja"};
    String[] days = {" 1", " 9", "1", "9", "01", "21", "31", "  1", " 0", "x1", "123", ""};
    String[] times = {"18:45:01", "00:00:00", "23:59:59", "1:45:01", "18:4:01", "18-45-01", "18:45:0", "18:45:011"};
    for (int round = 0; round < 20_000; round++) {
      String candidate = months[random.nextInt(months.length)] + " " + days[random.nextInt(days.length)] + " "
          + times[random.nextInt(times.length)] + (random.nextBoolean() ? " app: x" : "");
      java.util.regex.Matcher expected = bsd.matcher(candidate);
      SyslogMessage parsed = SyslogMessage.parse(Bytes.of("<13>" + candidate));
      assertEquals(expected.lookingAt() ? java.util.Optional.of(expected.group()) : java.util.Optional.empty(),
          parsed.timestampText(), candidate);
    }
  }

  @Test
  void aReceiveTimeCutToItsSecondReadsEveryBsdTimestampAsTheExactOneDoes() {
    // ReceiveClock hands out the receive time cut to the second; near the edge that decides
    // between this year and the last, around DST changes and at New Year, nothing may differ.
    Random random = new Random(11);
    String[] zones = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"};
    String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    java.time.Instant[] anchors = {
      java.time.Instant.parse("2026-12-31T23:00:00Z"), java.time.Instant.parse("2026-03-28T01:00:00Z"),
      java.time.Instant.parse("2026-10-24T00:30:00Z"), java.time.Instant.parse("2028-02-28T12:00:00Z"),
      java.time.Instant.parse("2026-04-04T14:30:00Z")};
    for (int round = 0; round < 20_000; round++) {
      java.time.ZoneId zone = java.time.ZoneId.of(zones[random.nextInt(zones.length)]);
      java.time.Instant at = anchors[random.nextInt(anchors.length)]
          .plusSeconds(random.nextInt(4 * 3600) - 2 * 3600).plusNanos(1 + random.nextInt(999_999_999));
      java.time.ZonedDateTime exact = java.time.ZonedDateTime.ofInstant(at, zone);
      java.time.ZonedDateTime cut = exact.withNano(0);
      // A timestamp a day ahead of the receive time, give or take a few seconds: the edge itself.
      java.time.LocalDateTime stamp = exact.plusDays(1).toLocalDateTime().plusSeconds(random.nextInt(7) - 3);
      String text = String.format("%s %2d %02d:%02d:%02d", months[stamp.getMonthValue() - 1], stamp.getDayOfMonth(),
          stamp.getHour(), stamp.getMinute(), stamp.getSecond());
      Bytes raw = Bytes.of("<13>" + text + " app: x");
      assertEquals(SyslogParser.parse(0, raw, null, Duration.ZERO, exact), SyslogParser.parse(0, raw, null, Duration.ZERO, cut),
          text + " received at " + exact);
    }
  }

  @Test
  void aRememberedBsdTimestampReadsAsAFreshlyReadOne() {
    // The clock remembers the last BSD timestamp and what it came to; repeats, invalid dates (whose
    // parse error names an offset that depends on the PRI's length) and changing receive times must
    // read as they do against a clock that remembers nothing.
    Random random = new Random(3);
    String[] stamps = {"Nov 21 18:45:01", "Feb 30 10:00:00", "Feb 29 10:00:00", "Dec 31 23:59:59", "Jan  1 00:00:00", "Nov 22 19:00:01"};
    java.time.ZonedDateTime[] times = {
      SyslogParserTest.RECEIVED, SyslogParserTest.RECEIVED.plusSeconds(1),
      java.time.ZonedDateTime.of(2028, 1, 1, 0, 0, 30, 0, java.time.ZoneId.of("Europe/Berlin"))};
    ReceiveClock remembering = ReceiveClock.fixedAt(times[0]);
    for (int round = 0; round < 5_000; round++) {
      if (random.nextInt(50) == 0) {
        remembering = ReceiveClock.fixedAt(times[random.nextInt(times.length)]);
      }
      Bytes raw = Bytes.of("<" + random.nextInt(192) + ">" + stamps[random.nextInt(stamps.length)] + " app: x");
      java.time.ZonedDateTime received = remembering.get();
      assertEquals(SyslogParser.parse(round, raw, null, Duration.ZERO, received),
          SyslogParser.parse(round, raw, null, Duration.ZERO, remembering, null), raw + " received at " + received);
    }
  }

  @Test
  void theReceiveClockIsNowInTheDefaultZoneCutToTheSecond() {
    java.time.ZonedDateTime before = java.time.ZonedDateTime.now().withNano(0);
    java.time.ZonedDateTime read = new ReceiveClock().get();
    java.time.ZonedDateTime after = java.time.ZonedDateTime.now();
    assertEquals(java.time.ZoneId.systemDefault(), read.getZone());
    assertEquals(0, read.getNano());
    assertFalse(read.isBefore(before), read + " is not before " + before);
    assertFalse(read.isAfter(after), read + " is not after " + after);
  }

  private static boolean strictlyDecodes(byte[] bytes) {
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }
}
