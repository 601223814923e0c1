package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
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
 */
public final class SyslogMessage {
  private static final int SHOWN = 80;

  private final int index;
  private final Bytes raw;
  private final SocketAddress sender;
  private final Duration at;
  private final SyslogFormat format;
  private final int priority;
  private final String parseError;
  private final String timestampText;
  private final Instant timestamp;
  private final String hostname;
  private final String appName;
  private final String procId;
  private final String msgId;
  private final List<SdElement> structuredData;
  /** Where the MSG starts in {@code raw}; {@link #messageBytes()} is made from it when asked. */
  private final int messageStart;
  private final String message;
  private final boolean messageIsUtf8;

  SyslogMessage(int index, Bytes raw, SocketAddress sender, Duration at, SyslogParser parsed, String message, boolean messageIsUtf8) {
    this.index = index;
    this.raw = raw;
    this.sender = sender;
    this.at = at;
    this.format = parsed.format;
    this.priority = parsed.priority;
    this.parseError = parsed.parseError();
    this.timestampText = parsed.timestampText;
    this.timestamp = parsed.timestamp;
    this.hostname = parsed.hostname;
    this.appName = parsed.appName;
    this.procId = parsed.procId;
    this.msgId = parsed.msgId;
    this.structuredData = List.copyOf(parsed.structuredData);
    this.messageStart = parsed.messageStart;
    this.message = message;
    this.messageIsUtf8 = messageIsUtf8;
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
    return Optional.ofNullable(timestampText);
  }

  /**
   * The TIMESTAMP as an instant, fractional seconds kept; empty when there was none or it could not
   * be read (then {@link #parseError()} says why). A BSD timestamp is resolved as described on
   * this class.
   */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  /** The HOSTNAME; empty for NILVALUE or when there was none. */
  public Optional<String> hostname() {
    return Optional.ofNullable(hostname);
  }

  /** RFC 5424's APP-NAME, or RFC 3164's TAG (without {@code [pid]} and colon); empty if none. */
  public Optional<String> appName() {
    return Optional.ofNullable(appName);
  }

  /** RFC 5424's PROCID, or the pid in an RFC 3164 {@code tag[pid]:}; empty if none. */
  public Optional<String> procId() {
    return Optional.ofNullable(procId);
  }

  /** RFC 5424's MSGID; empty for NILVALUE and always for RFC 3164. */
  public Optional<String> msgId() {
    return Optional.ofNullable(msgId);
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
    return message;
  }

  /** The MSG bytes exactly as received, nothing stripped. */
  public Bytes messageBytes() {
    return raw.slice(messageStart, raw.size());
  }

  /** Whether {@link #messageBytes()} is valid UTF-8, so that {@link #message()} replaced nothing. */
  public boolean messageIsUtf8() {
    return messageIsUtf8;
  }

  /** The whole record exactly as received (for stream transports, without the octet count or trailer). */
  public Bytes raw() {
    return raw;
  }

  /** The address it came from, when the transport knows one. */
  public Optional<SocketAddress> sender() {
    return Optional.ofNullable(sender);
  }

  /** Time since the recording began, on a monotonic clock; zero for {@link #parse(Bytes)}. */
  public Duration at() {
    return at;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof SyslogMessage other
        && index == other.index
        && priority == other.priority
        && messageIsUtf8 == other.messageIsUtf8
        && raw.equals(other.raw)
        && Objects.equals(sender, other.sender)
        && at.equals(other.at)
        && format == other.format
        && Objects.equals(parseError, other.parseError)
        && Objects.equals(timestampText, other.timestampText)
        && Objects.equals(timestamp, other.timestamp)
        && Objects.equals(hostname, other.hostname)
        && Objects.equals(appName, other.appName)
        && Objects.equals(procId, other.procId)
        && Objects.equals(msgId, other.msgId)
        && structuredData.equals(other.structuredData)
        && messageStart == other.messageStart // with equal raw bytes, equal MSG bytes
        && message.equals(other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, raw, at, timestamp);
  }

  /**
   * One line: {@code #3 user.err myapp[12] "disk full" (RFC3164)}, with the message cut after 80
   * characters, and the parse error when there is one.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("#").append(index).append(' ');
    out.append(facility().keyword()).append('.').append(severity().keyword()).append(' ');
    if (appName != null) {
      out.append(appName);
      if (procId != null) {
        out.append('[').append(procId).append(']');
      }
      out.append(' ');
    }
    if (msgId != null) {
      out.append(msgId).append(' ');
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
