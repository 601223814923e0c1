package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.recording.Segment;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One syslog message a fake received, parsed from RFC 5424 or RFC 3164, with the record's bytes
 * kept exactly as they arrived. Nothing is dropped: a record that cannot be parsed is still a
 * message, with {@link #format()} saying how far the parser got and {@link #parseError()} saying
 * what was wrong and at which byte offset.
 *
 * <pre>{@code
 * SyslogMessage m = SyslogMessage.parse(Bytes.of("<11>Nov 21 18:45:01 myapp[123]: disk full"));
 * m.facility();   // USER
 * m.severity();   // ERROR
 * m.appName();    // Optional["myapp"]
 * m.procId();     // Optional["123"]
 * m.message();    // "disk full"
 * }</pre>
 *
 * <h2>RFC 5424</h2>
 *
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]}. NILVALUE
 * ({@code -}) reads as an empty {@code Optional}. A field that breaks the grammar (too long, bytes
 * that are not printable US-ASCII) is kept as written and named in the parse error. A header that
 * ends early keeps the fields before the end ("header truncated after HOSTNAME…") and has an empty
 * message. When STRUCTURED-DATA cannot be read, the elements before the broken one are kept and
 * the message is the rest of the record from the broken element on, so its text is not lost.
 *
 * <h2>RFC 3164 as programs really send it</h2>
 *
 * After the PRI come, each optional:
 *
 * <ol>
 *   <li>a timestamp {@code Mmm dd hh:mm:ss} (day padded with a space or a zero, or not at all), or
 *       an RFC 3339 timestamp as rsyslog forwards them;
 *   <li>a HOSTNAME and a TAG, told apart by this heuristic, applied to the space-separated tokens
 *       that follow:
 *       <ul>
 *         <li>a token that reads {@code name:} or {@code name[pid]:} is the TAG ({@code name} has
 *             no spaces, brackets or colons); {@link #appName()} is the name, {@link #procId()} the
 *             pid, and the MSG starts after the colon and one space;
 *         <li>otherwise, only when a timestamp was present, the first token is the HOSTNAME if it
 *             is 1 to 255 printable US-ASCII characters; then the second token is the TAG if it
 *             reads as one, and otherwise the MSG starts there;
 *         <li>anything else is MSG.
 *       </ul>
 * </ol>
 *
 * So glibc's and {@code logger}'s local form {@code <13>Nov 21 18:45:01 myapp[123]: text} has a tag
 * and no hostname; {@code logger --rfc3164}'s {@code <13>Nov 21 18:45:01 host tag: text} has both;
 * busybox's {@code <13>Nov  1 08:05:01 tag: text} has a tag; Log4j2's and Logback's BSD layouts
 * ({@code <14>Nov 21 18:45:01 hostname text}) have a hostname and no tag; Python's
 * SysLogHandler ({@code <11>text\0}, no timestamp) has no hostname, and a tag only when its text
 * starts with one, as with {@code ident = "myapp: "}. The price of the heuristic: a message whose
 * own text starts with {@code word:} ("Error: disk full") has "Error" as its tag. A record
 * without a timestamp is not an error: RFC 3164 §4.3.2 accepts it.
 *
 * <p>A BSD timestamp has no year and no zone. {@link #timestamp()} reads it in the zone of the
 * receive time (the system default zone for a server, and for {@link #parse(Bytes)}), in the year
 * of the receive time, or in the year before when that would put it more than a day after the
 * receive time (a message of Dec 31 read on Jan 1). {@link #timestampText()} is always the text.
 *
 * <h2>Without a valid PRI</h2>
 *
 * The message is {@link SyslogFormat#UNPARSED}: user.notice (PRI 13) and the whole record as its
 * text, as RFC 3164 §4.3.3 tells a relay to do.
 *
 * <h2>Equality</h2>
 *
 * A message is a value: two are equal when every accessor returns equal values: the same bytes
 * at the same index, from the same sender at the same time, read the same way. That makes
 * assertions on lists of messages work, and a message parsed twice from the same record equal to
 * itself. Instances are immutable and safe to share between threads.
 *
 * <h2>Memory</h2>
 *
 * A server keeps every message, so a message is compact: the parser reads the whole record when it
 * arrives (format, PRI, where each field begins and ends, the timestamp and every parse error are
 * decided then), and the message keeps those as numbers. The fields' text is decoded from the
 * record's bytes when first asked for, and kept. Those bytes are the recording's own when it holds
 * them in memory, so they count toward the fake's memory limit as the recording does. When the
 * record went to the spill file, or arrived in pieces, the message keeps a copy of it on the heap
 * instead (as it kept its fields' text before), outside the limit: so every accessor, {@link
 * #raw()} included, still answers after the fake closed and deleted its spill file. A record longer
 * than 64 MiB (possible on a stream only with a larger {@link SyslogServer#withMaxMessageSize(int)})
 * keeps its MSG's text decoded, and {@link #raw()} then reads the recording as it stands.
 */
public final class SyslogMessage {
  private static final int SHOWN = 80;

  private final int index;
  private final SocketAddress sender;
  private final long atNanos;
  private final SyslogFormat format;
  private final int priority;
  private final String parseError;
  /**
   * The record's bytes are {@code record[base..base + size)}: the recording's slab, the array of the
   * {@link Bytes} given to {@link #parse(Bytes)}, or the parser's copy. Never written to.
   */
  private final byte[] record;
  private final int base;
  private final int size;
  /** The record as given when it is longer than the parser's window ({@code record} holds its header); else null. */
  private final Bytes whole;
  /** Its MSG's text, decoded at once, when the record is longer than the window; else null. */
  private final String longMessage;
  // Where each field's text is in record[base..]: SyslogParser.range(start, end), or ABSENT.
  private final long timestampText;
  private final long hostname;
  private final long appName;
  private final long procId;
  private final long msgId;
  private final long messageText;
  /** The TIMESTAMP's instant as numbers; {@code timestampNanos} is -1 when there is none. */
  private final long timestampSeconds;
  private final int timestampNanos;
  private final List<SdElement> structuredData;
  /** Where the MSG starts in the record; {@link #messageBytes()} is made from it when asked. */
  private final int messageStart;
  private final boolean messageIsUtf8;
  /**
   * The fields' text, decoded at the first ask. A race decodes it twice at worst: {@link Text} has
   * final fields only, so any thread that sees the reference sees whole strings.
   */
  private Text text;
  /** {@link #raw()}, made at the first ask; {@link Bytes} is immutable with final fields. */
  private Bytes raw;

  /** The fields' text, decoded together when first needed. */
  private static final class Text {
    final String timestampText;
    final String hostname;
    final String appName;
    final String procId;
    final String msgId;
    final String message;

    Text(SyslogMessage m) {
      timestampText = m.decode(m.timestampText);
      hostname = m.decode(m.hostname);
      appName = m.decode(m.appName);
      procId = m.decode(m.procId);
      msgId = m.decode(m.msgId);
      message = m.longMessage != null ? m.longMessage : m.decode(m.messageText);
    }
  }

  /**
   * A message over what {@code parsed} read from {@code raw}.
   *
   * @param longMessageOrNull the MSG's text when {@code raw} is longer than the parser's window
   */
  SyslogMessage(int index, Bytes raw, SocketAddress sender, long atNanos, SyslogParser parsed, String longMessageOrNull) {
    this.index = index;
    this.sender = sender;
    this.atNanos = atNanos;
    this.format = parsed.format;
    this.priority = parsed.priority;
    this.parseError = parsed.parseError();
    if (longMessageOrNull != null) {
      // Too long: the header's bytes alone, for the fields before the MSG; raw() is the value given.
      this.record = Arrays.copyOfRange(parsed.bytes(), parsed.offset(), parsed.offset() + parsed.messageStart);
      this.base = 0;
      this.size = record.length;
    } else {
      // What the parser read: the recording's memory (or the caller's value) when the record is in
      // memory, shared and not copied; its own copy when the record spilled or came in pieces, which
      // outlives a deleted spill file.
      this.record = parsed.bytes();
      this.base = parsed.offset();
      this.size = parsed.size();
    }
    this.whole = longMessageOrNull == null ? null : raw;
    this.longMessage = longMessageOrNull;
    this.timestampText = parsed.timestampText;
    this.hostname = parsed.hostname;
    this.appName = parsed.appName;
    this.procId = parsed.procId;
    this.msgId = parsed.msgId;
    this.messageText = parsed.text;
    Instant timestamp = parsed.timestamp;
    this.timestampSeconds = timestamp == null ? 0 : timestamp.getEpochSecond();
    this.timestampNanos = timestamp == null ? -1 : timestamp.getNano();
    this.structuredData = parsed.structuredData == null ? List.of() : List.copyOf(parsed.structuredData);
    this.messageStart = parsed.messageStart;
    this.messageIsUtf8 = parsed.messageIsUtf8;
  }

  /** The UTF-8 text of a range of the record, or null for {@link SyslogParser#ABSENT}. */
  private String decode(long range) {
    int start = SyslogParser.start(range);
    return start < 0 ? null : new String(record, base + start, SyslogParser.end(range) - start, StandardCharsets.UTF_8);
  }

  private Text text() {
    Text decoded = text;
    if (decoded == null) {
      decoded = new Text(this);
      text = decoded;
    }
    return decoded;
  }

  /**
   * Parses one syslog record held in bytes, e.g. a line from a file or a datagram captured
   * elsewhere. It never throws because of what {@code raw} holds: a record it cannot read is an
   * {@link SyslogFormat#UNPARSED} message with a parse error.
   *
   * <pre>{@code
   * SyslogMessage m = SyslogMessage.parse(Bytes.of(
   *     "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47"
   *         + " [exampleSDID@32473 iut=\"3\"] An application event log entry"));
   * m.sdParam("exampleSDID@32473", "iut");   // Optional["3"]
   * m.message();                              // "An application event log entry"
   * }</pre>
   *
   * <p>The message has index 0, no sender, {@link #at()} zero, and a BSD timestamp is read against
   * the current time in the system default zone.
   *
   * @param raw one record without stream framing (no octet count, no trailing LF between records)
   */
  public static SyslogMessage parse(Bytes raw) {
    return SyslogParser.parse(0, raw, null, Duration.ZERO, ZonedDateTime.now());
  }

  /** Position among the messages of the server that received it, from 0; 0 for {@link #parse(Bytes)}. */
  public int index() {
    return index;
  }

  /** The facility, from the PRI; {@link Facility#USER} when there was no valid PRI. */
  public Facility facility() {
    return Facility.of(priority >> 3);
  }

  /** The severity, from the PRI; {@link Severity#NOTICE} when there was no valid PRI. */
  public Severity severity() {
    return Severity.of(priority & 7);
  }

  /** The PRI value, {@code facility * 8 + severity}, 0 to 191; 13 when there was no valid PRI. */
  public int priority() {
    return priority;
  }

  /** Which header was read: RFC 5424, RFC 3164, or none. */
  public SyslogFormat format() {
    return format;
  }

  /**
   * Empty when the record parsed cleanly. Otherwise every problem found, in order, separated by
   * {@code "; "}, each naming the field and the byte offset in {@link #raw()}, e.g. {@code PRI
   * "<999>" is out of range 0..191 at offset 0; taken as user.notice …}. A problem with the record's
   * framing on a stream (cut at the maximum size, ended without a trailer) comes first.
   */
  public Optional<String> parseError() {
    return Optional.ofNullable(parseError);
  }

  /** The TIMESTAMP exactly as written; empty for NILVALUE or when there was none. */
  public Optional<String> timestampText() {
    return Optional.ofNullable(text().timestampText);
  }

  /**
   * The TIMESTAMP as an instant, fractional seconds kept; empty when there was none or it could not
   * be read (then {@link #parseError()} says why). A BSD timestamp is resolved as described on
   * this class.
   */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestampOrNull());
  }

  private Instant timestampOrNull() {
    return timestampNanos < 0 ? null : Instant.ofEpochSecond(timestampSeconds, timestampNanos);
  }

  /** The HOSTNAME; empty for NILVALUE or when there was none. */
  public Optional<String> hostname() {
    return Optional.ofNullable(text().hostname);
  }

  /** RFC 5424's APP-NAME, or RFC 3164's TAG (without {@code [pid]} and colon); empty if none. */
  public Optional<String> appName() {
    return Optional.ofNullable(text().appName);
  }

  /** RFC 5424's PROCID, or the pid in an RFC 3164 {@code tag[pid]:}; empty if none. */
  public Optional<String> procId() {
    return Optional.ofNullable(text().procId);
  }

  /** RFC 5424's MSGID; empty for NILVALUE and always for RFC 3164. */
  public Optional<String> msgId() {
    return Optional.ofNullable(text().msgId);
  }

  /** The SD-ELEMENTs in order; empty for NILVALUE and for RFC 3164. Unmodifiable. */
  public List<SdElement> structuredData() {
    return structuredData;
  }

  /** The value of the first parameter {@code name} of the first element with SD-ID {@code sdId}. */
  public Optional<String> sdParam(String sdId, String name) {
    Objects.requireNonNull(sdId, "sdId");
    Objects.requireNonNull(name, "name");
    for (SdElement element : structuredData) {
      if (element.id().equals(sdId)) {
        return element.param(name);
      }
    }
    return Optional.empty();
  }

  /**
   * The MSG as text: decoded as UTF-8 (malformed bytes become U+FFFD), without a leading UTF-8 BOM
   * (RFC 5424 §6.4 marks UTF-8 text with one), and without one trailing NUL and then one trailing
   * LF or CR LF, because glibc on stream sockets, Python's SysLogHandler and {@code logger} append
   * them as terminators rather than as text. {@link #messageBytes()} keeps them.
   */
  public String message() {
    return text().message;
  }

  /** The MSG bytes exactly as received, nothing stripped. */
  public Bytes messageBytes() {
    Bytes all = raw();
    return all.slice(messageStart, all.size());
  }

  /** Whether {@link #messageBytes()} is valid UTF-8, so that {@link #message()} replaced nothing. */
  public boolean messageIsUtf8() {
    return messageIsUtf8;
  }

  /** The whole record exactly as received (for stream transports, without the octet count or trailer). */
  public Bytes raw() {
    if (whole != null) {
      return whole;
    }
    Bytes made = raw;
    if (made == null) {
      made = size == 0 ? Bytes.empty() : Access.bytes().of(new Segment[] {new Segment.InMemory(record, base, size)});
      raw = made;
    }
    return made;
  }

  /** The address it came from, when the transport knows one. */
  public Optional<SocketAddress> sender() {
    return Optional.ofNullable(sender);
  }

  /** Time since the recording began, on a monotonic clock; zero for {@link #parse(Bytes)}. */
  public Duration at() {
    return Duration.ofNanos(atNanos);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    // The fields' text is decoded from the record's bytes over the ranges below, so equal bytes and
    // equal ranges are equal text; comparing ranges spares decoding two messages to compare them.
    return o instanceof SyslogMessage other
        && index == other.index
        && priority == other.priority
        && messageIsUtf8 == other.messageIsUtf8
        && sameRecord(other)
        && Objects.equals(sender, other.sender)
        && atNanos == other.atNanos
        && format == other.format
        && Objects.equals(parseError, other.parseError)
        && timestampSeconds == other.timestampSeconds
        && timestampNanos == other.timestampNanos
        && timestampText == other.timestampText
        && hostname == other.hostname
        && appName == other.appName
        && procId == other.procId
        && msgId == other.msgId
        && structuredData.equals(other.structuredData)
        && messageStart == other.messageStart // with equal raw bytes, equal MSG bytes
        && messageText == other.messageText
        && Objects.equals(longMessage, other.longMessage);
  }

  private boolean sameRecord(SyslogMessage other) {
    if (whole != null || other.whole != null) {
      return raw().equals(other.raw());
    }
    return Arrays.equals(record, base, base + size, other.record, other.base, other.base + size);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, raw(), at(), timestampOrNull());
  }

  /**
   * One line: {@code #3 user.err myapp[12] "disk full" (RFC3164)}, with the message cut after 80
   * characters, and the parse error when there is one.
   */
  @Override
  public String toString() {
    Text fields = text();
    String message = fields.message;
    StringBuilder out = new StringBuilder("#").append(index).append(' ');
    out.append(facility().keyword()).append('.').append(severity().keyword()).append(' ');
    if (fields.appName != null) {
      out.append(fields.appName);
      if (fields.procId != null) {
        out.append('[').append(fields.procId).append(']');
      }
      out.append(' ');
    }
    if (fields.msgId != null) {
      out.append(fields.msgId).append(' ');
    }
    int shown = message.length() <= SHOWN ? message.length() : SHOWN - (Character.isHighSurrogate(message.charAt(SHOWN - 1)) ? 1 : 0);
    out.append('"').append(escape(message.substring(0, shown)));
    out.append(shown < message.length() ? "\"…" : "\"");
    out.append(" (").append(format);
    if (parseError != null) {
      out.append(": ").append(parseError);
    }
    return out.append(')').toString();
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
