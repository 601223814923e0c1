package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.Utf8;
import dev.sockpuppet.internal.recording.Segment;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one syslog record (a datagram, or one record {@link SyslogRecords} cut from a stream) into
 * a {@link SyslogMessage}. It never throws on any content and never loses a record: what it cannot
 * read is said in the message's parse error, and {@code raw} is always the record as given.
 *
 * <p>The order of decisions:
 *
 * <ol>
 *   <li>PRI: {@code <} 1–3 digits without a leading zero, 0..191, {@code >}. Anything else makes the
 *       record {@link SyslogFormat#UNPARSED}: user.notice (PRI 13) with the whole record as MSG, as
 *       RFC 3164 §4.3.3 tells a relay to do.
 *   <li>RFC 5424 when VERSION (1–3 digits) and a space follow and then something that starts like
 *       a TIMESTAMP: {@code -} or four digits and {@code -}. Requiring the timestamp's start keeps
 *       BSD messages whose text starts with a number ({@code <11>3 disks failed}) out of RFC 5424.
 *   <li>Otherwise RFC 3164, read as described on {@link SyslogMessage}.
 * </ol>
 *
 * <p>Not thread-safe; each call makes its own parser.
 */
final class SyslogParser {
  /** How much of a record the parser reads and decodes; records are far smaller in practice. */
  static final int WINDOW = 64 * 1024 * 1024;

  private static final int DEFAULT_PRIORITY = 13;
  private static final String AS_USER_NOTICE =
      "; taken as user.notice (PRI 13) with the whole record as MSG (RFC 3164 §4.3.3)";
  private static final String[] HEADER = {"TIMESTAMP", "HOSTNAME", "APP-NAME", "PROCID", "MSGID", "STRUCTURED-DATA"};
  /** RFC 5424 §6 length limits of HEADER's fields, 0 where the grammar sets none. */
  private static final int[] LIMIT = {0, 255, 48, 128, 32};
  private static final int SD_NAME_LIMIT = 32;
  /** The range of a field that is not there. */
  static final long ABSENT = -1L;

  private static final Pattern RFC3339 =
      Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})");
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  /** Longest timestamp text either pattern can match, so a lookahead string of this size suffices. */
  private static final int LONGEST_TIMESTAMP = 40;

  /**
   * The record is {@code bytes[offset..offset + n)}: the array of the record's one in-memory
   * segment (the recording's slab, read in place), or a copy when it is spilled or in pieces.
   * Positions below are relative to {@code offset}, as the offsets in parse errors are.
   */
  private final byte[] bytes;
  private final int offset;
  private final int n;
  /** The receive time, asked only when an RFC 3164 timestamp needs a year and a zone. */
  private final ReceiveClock clock;
  /** Every problem found, in order; made at the first, since most records have none. */
  private List<String> errors;
  private int pos;

  // What the message is built from; SyslogMessage reads these. A text field is a range of the
  // record's bytes (see range(…)), ABSENT when the field is absent or NILVALUE: the message decodes
  // it when asked.
  SyslogFormat format = SyslogFormat.UNPARSED;
  int priority = DEFAULT_PRIORITY;
  long timestampText = ABSENT;
  Instant timestamp;
  long hostname = ABSENT;
  long appName = ABSENT;
  long procId = ABSENT;
  long msgId = ABSENT;
  /** Made at the first SD-ELEMENT; most records have none. */
  List<SdElement> structuredData;
  int messageStart;
  /** The MSG as text: see SyslogMessage#message() for what is left out. */
  long text;
  boolean messageIsUtf8;

  private SyslogParser(Bytes raw, ReceiveClock clock) {
    Bytes window = raw.first(WINDOW);
    Segment[] segments = Access.bytes().segments(window);
    if (segments.length == 1 && segments[0] instanceof Segment.InMemory memory) {
      this.bytes = memory.array();
      this.offset = memory.offset();
    } else {
      this.bytes = window.toByteArray();
      this.offset = 0;
    }
    this.n = (int) window.size();
    this.clock = clock;
  }

  /** {@link #parse(int, Bytes, SocketAddress, Duration, ZonedDateTime, String)} without a framing problem. */
  static SyslogMessage parse(int index, Bytes raw, SocketAddress senderOrNull, Duration at, ZonedDateTime receivedAt) {
    return parse(index, raw, senderOrNull, at, receivedAt, null);
  }

  /**
   * Parses one record.
   *
   * @param index the message's position among the server's messages, from 0
   * @param raw the record exactly as received, without stream framing (octet count, trailer)
   * @param senderOrNull where it came from, if known
   * @param at time since the recording began
   * @param receivedAt when it arrived, in the zone that RFC 3164 timestamps (which have neither
   *     year nor zone) are read in; the server passes {@code ZonedDateTime.now()}
   * @param framingProblemOrNull what {@link SyslogRecords} said was wrong with the record's framing
   *     (cut at the maximum, ended without a trailer…); it comes first in the parse error
   * @throws IllegalArgumentException only for a negative index; never because of what {@code raw}
   *     holds
   */
  static SyslogMessage parse(
      int index, Bytes raw, SocketAddress senderOrNull, Duration at, ZonedDateTime receivedAt, String framingProblemOrNull) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(receivedAt, "receivedAt");
    return parse(index, raw, senderOrNull, at, ReceiveClock.fixedAt(receivedAt), framingProblemOrNull);
  }

  /**
   * {@link #parse(int, Bytes, SocketAddress, Duration, ZonedDateTime, String)} with the receive time
   * asked only when a timestamp needs it: most messages never do, and a clock read with its zone
   * is a cost per message that a flood feels.
   */
  static SyslogMessage parse(
      int index, Bytes raw, SocketAddress senderOrNull, Duration at, ReceiveClock receivedAt,
      String framingProblemOrNull) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(receivedAt, "receivedAt");
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative: " + index);
    }
    SyslogParser parser = new SyslogParser(raw, receivedAt);
    if (framingProblemOrNull != null) {
      parser.error(framingProblemOrNull);
    }
    try {
      parser.read();
    } catch (RuntimeException e) {
      // A bug here must not lose the record: keep it whole, as unparsed, and say what happened. The
      // fuzz test checks that this line is never reached.
      parser.failed(e);
    }
    if (parser.n == raw.size()) {
      // The parser's copy holds the whole record: the common case, and every datagram.
      parser.messageText();
      return new SyslogMessage(index, raw, senderOrNull, at.toNanos(), parser, null);
    }
    // Longer than the window: the MSG's text is decoded now from its own copy, up to the window.
    Bytes body = raw.slice(parser.messageStart, raw.size());
    byte[] bytes = body.first(WINDOW).toByteArray();
    int from = textStart(bytes, 0, bytes.length);
    String message = new String(bytes, from, textEnd(bytes, from, bytes.length) - from, StandardCharsets.UTF_8);
    parser.messageIsUtf8 = isUtf8(bytes);
    if (body.size() > WINDOW) {
      parser.error("MSG is " + body.size() + " bytes; message() holds the text of the first " + WINDOW);
    }
    return new SyslogMessage(index, raw, senderOrNull, at.toNanos(), parser, message);
  }

  /** The parse error: every problem found, in order, or null when there was none. */
  String parseError() {
    return errors == null ? null : String.join("; ", errors);
  }

  /**
   * The array holding the bytes the parser read (the record, or its first {@link #WINDOW} bytes) from
   * {@link #offset()} on, {@link #size()} of them; never to be written to.
   */
  byte[] bytes() {
    return bytes;
  }

  /** Where the bytes the parser read start in {@link #bytes()}. */
  int offset() {
    return offset;
  }

  /** How many bytes the parser read. */
  int size() {
    return n;
  }

  /** The byte at position {@code i} of the record. */
  private byte at(int i) {
    Objects.checkIndex(i, n);
    return bytes[offset + i];
  }

  /** The bytes {@code [start, end)} as one number, for a message to keep without an object. */
  static long range(int start, int end) {
    return (long) start << 32 | end;
  }

  /** Where a {@link #range} starts; -1 for {@link #ABSENT}. */
  static int start(long range) {
    return (int) (range >> 32);
  }

  /** Where a {@link #range} ends. */
  static int end(long range) {
    return (int) range;
  }

  private void error(String problem) {
    if (errors == null) {
      errors = new ArrayList<>(2);
    }
    errors.add(problem);
  }

  private void read() {
    if (!readPri()) {
      return;
    }
    if (readVersion()) {
      format = SyslogFormat.RFC5424;
      readRfc5424();
    } else {
      format = SyslogFormat.RFC3164;
      readRfc3164();
    }
  }

  private void failed(RuntimeException e) {
    format = SyslogFormat.UNPARSED;
    priority = DEFAULT_PRIORITY;
    timestampText = hostname = appName = procId = msgId = ABSENT;
    timestamp = null;
    structuredData = null;
    messageStart = 0;
    error("internal parser error " + e + AS_USER_NOTICE);
  }

  // ---- PRI and VERSION ----

  private boolean readPri() {
    if (n == 0) {
      error("empty record: no PRI at offset 0" + AS_USER_NOTICE);
      return false;
    }
    if (at(0) != '<') {
      error("no PRI: the record starts with " + describe(at(0)) + ", not '<', at offset 0" + AS_USER_NOTICE);
      return false;
    }
    int close = -1;
    for (int i = 1; i < n && i <= 5; i++) {
      if (at(i) == '>') {
        close = i;
        break;
      }
    }
    if (close < 0) {
      error("PRI \"" + escaped(0, Math.min(n, 5)) + "\" is not closed by '>' after at most 3 digits at offset 0" + AS_USER_NOTICE);
      return false;
    }
    String problem;
    if (close == 1) {
      problem = " has no digits";
    } else if (!allDigits(1, close)) {
      problem = " is not a number";
    } else if (close > 4) {
      problem = " has more than 3 digits";
    } else if (close > 2 && at(1) == '0') {
      problem = " has a leading zero, which RFC 5424 §6.2.1 forbids,";
    } else {
      int value = number(1, close);
      if (value <= 191) {
        priority = value;
        pos = close + 1;
        return true;
      }
      problem = " is out of range 0..191";
    }
    // The PRI's text is made here alone: a valid PRI, every message of a flood, costs no string.
    error("PRI \"" + escaped(0, close + 1) + "\"" + problem + " at offset 0" + AS_USER_NOTICE);
    return false;
  }

  /** Reads {@code VERSION SP} if an RFC 5424 header follows the PRI; see the class comment. */
  private boolean readVersion() {
    int start = pos;
    int end = start;
    while (end < n && end - start < 3 && isDigit(at(end))) {
      end++;
    }
    if (end == start || at(start) == '0' || end >= n || at(end) != ' ') {
      return false;
    }
    int t = end + 1;
    boolean nilTimestamp = t < n && at(t) == '-' && (t + 1 == n || at(t + 1) == ' ');
    boolean dateTimestamp = t + 4 < n && allDigits(t, t + 4) && at(t + 4) == '-';
    if (!nilTimestamp && !dateTimestamp) {
      return false;
    }
    if (end - start != 1 || at(start) != '1') {
      error("VERSION \"" + ascii(start, end) + "\" at offset " + start + " is not 1, the only version RFC 5424 defines; read as version 1");
    }
    pos = t;
    return true;
  }

  // ---- RFC 5424 ----

  private void readRfc5424() {
    for (int field = 0; field < LIMIT.length; field++) {
      if (pos >= n) {
        truncated(field);
        return;
      }
      int start = pos;
      int end = tokenEnd(start);
      if (field == 0) {
        timestamp5424(start, end);
      } else if (headerField(field, start, end)) {
        switch (field) {
          case 1 -> hostname = range(start, end);
          case 2 -> appName = range(start, end);
          case 3 -> procId = range(start, end);
          default -> msgId = range(start, end);
        }
      }
      pos = end;
      if (pos >= n) {
        truncated(field + 1);
        return;
      }
      pos++; // the SP; tokenEnd stops only there or at the end
    }
    if (pos >= n) {
      truncated(LIMIT.length);
      return;
    }
    readStructuredData();
  }

  /** Records that the header ends before {@code HEADER[missing]}; the MSG is then empty. */
  private void truncated(int missing) {
    String after = missing == 0 ? "VERSION" : HEADER[missing - 1];
    List<String> absent = List.of(HEADER).subList(missing, HEADER.length);
    error("header truncated after " + after + " at offset " + n + ": " + String.join(", ", absent) + " missing");
    messageStart = n;
  }

  /** Reads the TIMESTAMP in {@code [start, end)}: its text's range and, when it is valid, the instant. */
  private void timestamp5424(int start, int end) {
    if (start == end) {
      error("TIMESTAMP is empty (two spaces in a row) at offset " + start);
      return;
    }
    if (end - start == 1 && at(start) == '-') {
      return;
    }
    timestampText = range(start, end);
    Matcher m = RFC3339.matcher(utf8(start, end));
    if (!m.matches()) {
      error(
          "TIMESTAMP \"" + escaped(start, end) + "\" is not an RFC 5424 date-time (YYYY-MM-DDThh:mm:ss[.fraction] and Z or ±hh:mm) at offset " + start);
      return;
    }
    timestamp = rfc3339Instant(m, start);
  }

  /** The instant of an RFC 3339 match, or null with a parse error when the values are impossible. */
  private Instant rfc3339Instant(Matcher m, int offset) {
    String fraction = m.group(7);
    try {
      int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
      LocalDateTime local =
          LocalDateTime.of(
              Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), nanos);
      ZoneOffset zone = m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      if (fraction != null && fraction.length() > 6) {
        error("TIMESTAMP \"" + m.group() + "\" has " + fraction.length() + " fractional digits, RFC 5424 allows 6, at offset " + offset);
      }
      return local.toInstant(zone);
    } catch (DateTimeException e) {
      error("TIMESTAMP \"" + m.group() + "\" is not a valid date and time (" + e.getMessage() + ") at offset " + offset);
      return null;
    }
  }

  /**
   * Checks HOSTNAME, APP-NAME, PROCID or MSGID in {@code [start, end)}: false for NILVALUE or an
   * empty field; a broken value is kept (true) with an error.
   */
  private boolean headerField(int field, int start, int end) {
    String name = HEADER[field];
    if (start == end) {
      error(name + " is empty (two spaces in a row) at offset " + start);
      return false;
    }
    if (end - start == 1 && at(start) == '-') {
      return false;
    }
    checkPrintable(name, start, end);
    if (end - start > LIMIT[field]) {
      error(name + " is " + (end - start) + " bytes long at offset " + start + "; RFC 5424 allows at most " + LIMIT[field]);
    }
    return true;
  }

  private void checkPrintable(String name, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!isPrintUsAscii(at(i))) {
        error(name + " has byte " + hex(at(i)) + ", which is not printable US-ASCII, at offset " + i);
        return;
      }
    }
  }

  private void readStructuredData() {
    if (at(pos) == '-') {
      pos++;
    } else if (at(pos) == '[') {
      while (pos < n && at(pos) == '[') {
        int start = pos;
        SdElement element = readElement();
        if (element == null) {
          // What could not be read stays readable as the message text.
          messageStart = start;
          return;
        }
        if (structuredData == null) {
          structuredData = new ArrayList<>();
        }
        for (SdElement earlier : structuredData) {
          if (earlier.id().equals(element.id())) {
            error("SD-ID \"" + element.id() + "\" at offset " + start + " appears twice, which RFC 5424 §6.3.2 forbids");
            break;
          }
        }
        structuredData.add(element);
      }
    } else {
      error("STRUCTURED-DATA is neither '-' nor an SD-ELEMENT starting with '[' at offset " + pos + "; the rest is kept as MSG");
      messageStart = pos;
      return;
    }
    if (pos >= n) {
      messageStart = n;
    } else if (at(pos) == ' ') {
      messageStart = pos + 1;
    } else {
      error("STRUCTURED-DATA is followed by " + describe(at(pos)) + ", not a space, at offset " + pos + "; the rest is kept as MSG");
      messageStart = pos;
    }
  }

  /** One {@code [SD-ID *(SP PARAM-NAME="PARAM-VALUE")]} from {@code pos}, or null after a parse error. */
  private SdElement readElement() {
    int start = pos++;
    int idStart = pos;
    while (pos < n && at(pos) != ' ' && at(pos) != ']') {
      pos++;
    }
    if (pos >= n) {
      return unterminated(start);
    }
    String id = sdName("SD-ID", idStart, pos);
    if (id == null) {
      return null;
    }
    List<SdParam> params = new ArrayList<>();
    while (true) {
      if (pos >= n) {
        return unterminated(start);
      }
      if (at(pos) == ']') {
        pos++;
        return new SdElement(id, params);
      }
      pos++; // the SP before a parameter; the loops stop only at SP or ']'
      int nameStart = pos;
      while (pos < n && at(pos) != '=' && at(pos) != ' ' && at(pos) != ']' && at(pos) != '"') {
        pos++;
      }
      if (pos >= n) {
        return unterminated(start);
      }
      if (at(pos) != '=') {
        error("SD-PARAM at offset " + nameStart + " in SD-ELEMENT \"" + id + "\" has " + describe(at(pos)) + " where '=' belongs, at offset " + pos);
        return null;
      }
      String name = sdName("PARAM-NAME", nameStart, pos);
      if (name == null) {
        return null;
      }
      pos++;
      if (pos >= n) {
        return unterminated(start);
      }
      if (at(pos) != '"') {
        error("PARAM-VALUE of \"" + name + "\" does not start with '\"' at offset " + pos);
        return null;
      }
      String value = paramValue(name);
      if (value == null) {
        return unterminated(start);
      }
      params.add(new SdParam(name, value));
      if (pos < n && at(pos) != ' ' && at(pos) != ']') {
        error("PARAM-VALUE of \"" + name + "\" is followed by " + describe(at(pos)) + ", not a space or ']', at offset " + pos);
        return null;
      }
    }
  }

  /**
   * The PARAM-VALUE whose opening quote is at {@code pos}, unescaped; null if no closing quote
   * comes. Only {@code \"}, {@code \\} and {@code \]} are escapes: RFC 5424 §6.3.3 keeps a
   * backslash before anything else as it is.
   */
  private String paramValue(String name) {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    int bareBracket = -1;
    for (pos++; pos < n; pos++) {
      byte c = at(pos);
      if (c == '\\' && pos + 1 < n && (at(pos + 1) == '"' || at(pos + 1) == '\\' || at(pos + 1) == ']')) {
        value.write(at(++pos));
      } else if (c == '"') {
        pos++;
        if (bareBracket >= 0) {
          error("PARAM-VALUE of \"" + name + "\" has ']' without a backslash at offset " + bareBracket + "; kept as ']'");
        }
        return new String(value.toByteArray(), StandardCharsets.UTF_8);
      } else {
        if (c == ']' && bareBracket < 0) {
          bareBracket = pos;
        }
        value.write(c);
      }
    }
    return null;
  }

  /** An SD-NAME: 1 to 32 printable US-ASCII characters but '=', SP, ']' and '"'; null if empty. */
  private String sdName(String what, int start, int end) {
    if (start == end) {
      error(what + " is empty at offset " + start);
      return null;
    }
    checkPrintable(what, start, end);
    if (end - start > SD_NAME_LIMIT) {
      error(what + " is " + (end - start) + " bytes long at offset " + start + "; RFC 5424 allows at most " + SD_NAME_LIMIT);
    }
    return utf8(start, end);
  }

  private SdElement unterminated(int start) {
    error("SD-ELEMENT at offset " + start + " is not closed by ']' before the record ends at offset " + n + "; the rest is kept as MSG");
    return null;
  }

  // ---- RFC 3164 ----

  private void readRfc3164() {
    boolean stamped = readBsdTimestamp();
    int end = tokenEnd(pos);
    if (readTag(pos, end)) {
      return;
    }
    if (stamped && isHostname(pos, end)) {
      hostname = range(pos, end);
      if (end >= n) {
        messageStart = n;
        return;
      }
      int next = end + 1;
      if (!readTag(next, tokenEnd(next))) {
        messageStart = next;
      }
      return;
    }
    messageStart = pos;
  }

  /** Reads a BSD {@code Mmm dd hh:mm:ss} or an RFC 3339 timestamp and the space after it, if there is one. */
  private boolean readBsdTimestamp() {
    int bsdEnd = bsdTimestampEnd(pos);
    if (bsdEnd > 0 && endsToken(bsdEnd)) {
      timestamp = bsdInstant(pos);
    } else {
      // Only a digit can begin an RFC 3339 timestamp; the regex runs for those alone.
      if (pos >= n || !isDigit(at(pos))) {
        return false;
      }
      Matcher iso = RFC3339.matcher(ascii(pos, Math.min(n, pos + LONGEST_TIMESTAMP)));
      if (!(iso.lookingAt() && endsToken(pos + iso.end()))) {
        return false;
      }
      timestamp = rfc3339Instant(iso, pos);
      bsdEnd = pos + iso.end();
    }
    // Both forms are US-ASCII, so the bytes decode to the text the patterns matched.
    timestampText = range(pos, bsdEnd);
    pos = bsdEnd;
    if (pos < n) {
      pos++;
    }
    return true;
  }

  /**
   * Where a BSD timestamp {@code Mmm dd hh:mm:ss} starting at {@code at} ends, or -1: a month's
   * three letters, a space, the day as {@code " d"}, {@code "d"} or {@code "dd"}, a space, and
   * {@code hh:mm:ss}. Read by hand, since a regex per message is a cost a flood feels.
   */
  private int bsdTimestampEnd(int at) {
    if (at + 3 > n || month(at) < 0 || at + 4 >= n || at(at + 3) != ' ') {
      return -1;
    }
    int i = at + 4;
    if (at(i) == ' ') {
      if (i + 1 >= n || at(i + 1) < '1' || at(i + 1) > '9') {
        return -1;
      }
      i += 2;
    } else if (isDigit(at(i))) {
      i++;
      if (i < n && isDigit(at(i))) {
        i++;
      }
    } else {
      return -1;
    }
    if (i + 9 > n || at(i) != ' ' || !twoDigits(i + 1) || at(i + 3) != ':' || !twoDigits(i + 4) || at(i + 6) != ':'
        || !twoDigits(i + 7)) {
      return -1;
    }
    return i + 9;
  }

  /** The month (1 to 12) whose English abbreviation begins at {@code at}, or -1. */
  private int month(int at) {
    for (int m = 0; m < 12; m++) {
      if (at(at) == MONTHS.charAt(3 * m) && at(at + 1) == MONTHS.charAt(3 * m + 1) && at(at + 2) == MONTHS.charAt(3 * m + 2)) {
        return m + 1;
      }
    }
    return -1;
  }

  private boolean twoDigits(int at) {
    return isDigit(at(at)) && isDigit(at(at + 1));
  }

  private int number(int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      if (at(i) != ' ') {
        value = value * 10 + (at(i) - '0');
      }
    }
    return value;
  }

  /**
   * An RFC 3164 timestamp has no year and no zone: it is read in the zone of the receive time and
   * in the receive time's year, or the year before when that would put it more than a day after
   * the receive time (a message from Dec 31 read on Jan 1).
   */
  private Instant bsdInstant(int offset) {
    Month month = Month.of(month(offset));
    int end = bsdTimestampEnd(offset);
    int dayEnd = end - 9;
    int day = number(offset + 4, dayEnd);
    int hour = number(end - 8, end - 6);
    int minute = number(end - 5, end - 3);
    int second = number(end - 2, end);
    ZonedDateTime received = clock.get();
    // A flood's timestamps change once a second, as the receive time does: most are the last one again.
    ReceiveClock.BsdReading known = clock.lastBsd(received, bytes, this.offset + offset, this.offset + end);
    if (known == null) {
      known = readBsd(received, month, day, hour, minute, second, offset, end);
      clock.rememberBsd(known);
    }
    if (known.problem() != null) {
      error(known.problem() + " at offset " + offset);
    }
    return known.instant();
  }

  /** What the BSD timestamp in {@code [offset, end)} comes to against {@code received}; see {@link #bsdInstant}. */
  private ReceiveClock.BsdReading readBsd(
      ZonedDateTime received, Month month, int day, int hour, int minute, int second, int offset, int end) {
    byte[] text = Arrays.copyOfRange(bytes, this.offset + offset, this.offset + end);
    int year = received.getYear();
    String problem = null;
    for (int y = year; y >= year - 1; y--) {
      try {
        ZonedDateTime t = ZonedDateTime.of(LocalDateTime.of(y, month, day, hour, minute, second), received.getZone());
        if (y == year && t.isAfter(received.plusDays(1))) {
          continue;
        }
        return new ReceiveClock.BsdReading(received, text, t.toInstant(), null);
      } catch (DateTimeException e) {
        problem = problem == null ? e.getMessage() : problem;
      }
    }
    return new ReceiveClock.BsdReading(received, text, null,
        "TIMESTAMP \"" + ascii(offset, end) + "\" is not a valid date and time in " + year + " or " + (year - 1) + " (" + problem + ")");
  }

  /**
   * Takes {@code start..end} as the TAG if it reads {@code name:} or {@code name[pid]:}, and the
   * MSG as what follows it and one space.
   */
  private boolean readTag(int start, int end) {
    if (end - start < 2 || at(end - 1) != ':') {
      return false;
    }
    int nameEnd = start;
    while (nameEnd < end - 1 && at(nameEnd) != '[' && at(nameEnd) != ']' && at(nameEnd) != ':' && (at(nameEnd) & 0xff) > ' ') {
      nameEnd++;
    }
    if (nameEnd == start) {
      return false;
    }
    long pid = ABSENT;
    if (nameEnd < end - 1) {
      // Only "[pid]" may stand between the name and the colon.
      if (at(nameEnd) != '[' || at(end - 2) != ']' || end - 2 <= nameEnd) {
        return false;
      }
      for (int i = nameEnd + 1; i < end - 2; i++) {
        if (at(i) == '[' || at(i) == ']') {
          return false;
        }
      }
      pid = end - 2 > nameEnd + 1 ? range(nameEnd + 1, end - 2) : ABSENT;
    }
    appName = range(start, nameEnd);
    procId = pid;
    messageStart = end < n ? end + 1 : n;
    return true;
  }

  private boolean isHostname(int start, int end) {
    if (end == start || end - start > LIMIT[1]) {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (!isPrintUsAscii(at(i))) {
        return false;
      }
    }
    return true;
  }

  // ---- bytes ----

  /** Offset of the first space at or after {@code from}, or the end. */
  private int tokenEnd(int from) {
    int i = from;
    while (i < n && at(i) != ' ') {
      i++;
    }
    return i;
  }

  private boolean endsToken(int at) {
    return at >= n || at(at) == ' ';
  }

  private boolean allDigits(int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(at(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isPrintUsAscii(byte c) {
    return c >= 33 && c <= 126;
  }

  /** Bytes as ISO-8859-1, so that each char is one byte and offsets stay offsets. */
  private String ascii(int from, int to) {
    return new String(bytes, offset + from, to - from, StandardCharsets.ISO_8859_1);
  }

  private String utf8(int from, int to) {
    return new String(bytes, offset + from, to - from, StandardCharsets.UTF_8);
  }

  private String escaped(int from, int to) {
    byte[] part = new byte[to - from];
    System.arraycopy(bytes, offset + from, part, 0, part.length);
    return HexDump.escaped(part);
  }

  private static String hex(byte c) {
    return String.format("0x%02x", c & 0xff);
  }

  private static String describe(byte c) {
    return c >= 32 && c < 127 ? "'" + (char) c + "'" : "byte " + hex(c);
  }

  /**
   * Whether {@code bytes} are well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no
   * surrogates, nothing above U+10FFFF), as the JDK's strict decoder decides, without its
   * allocations.
   */
  static boolean isUtf8(byte[] bytes) {
    return isUtf8(bytes, 0, bytes.length);
  }

  /** {@link #isUtf8(byte[])} for {@code bytes[from..to)}. */
  static boolean isUtf8(byte[] bytes, int from, int to) {
    return Utf8.isWellFormed(bytes, from, to);
  }

  private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

  /** Finds the MSG's text in the parser's bytes and checks them for UTF-8. */
  private void messageText() {
    int from = textStart(bytes, offset + messageStart, offset + n) - offset;
    text = range(from, textEnd(bytes, offset + from, offset + n) - offset);
    messageIsUtf8 = isUtf8(bytes, offset + messageStart, offset + n);
  }

  /** Where the text of the MSG in {@code bytes[start..end)} begins: after a UTF-8 BOM, if there is one. */
  private static int textStart(byte[] bytes, int start, int end) {
    boolean bom = end - start >= 3 && bytes[start] == BOM[0] && bytes[start + 1] == BOM[1] && bytes[start + 2] == BOM[2];
    return bom ? start + 3 : start;
  }

  /** Where the text of the MSG ending at {@code end} ends: before one NUL and then one LF or CR LF. */
  private static int textEnd(byte[] bytes, int from, int end) {
    int to = end;
    if (to > from && bytes[to - 1] == 0) {
      to--;
    }
    if (to > from && bytes[to - 1] == '\n') {
      to--;
      if (to > from && bytes[to - 1] == '\r') {
        to--;
      }
    }
    return to;
  }
}
