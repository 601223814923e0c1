package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.HexDump;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a syslog message should look like, field by field, for {@code
 * SocketAssertions.assertThat(syslog).hasMessage(…)} and for {@link SyslogServer#awaitMessage}
 * (it is a {@code Predicate}). Only the fields given are checked. An immutable value; each {@code
 * with…} returns a new matcher.
 *
 * <pre>{@code
 * SyslogMatcher diskFull = SyslogMatcher.message()
 *     .withSeverity(Severity.ERROR)
 *     .withAppName("backup")
 *     .withTextContaining("disk full")
 *     .withSdParam("origin@32473", "ip", "10.0.0.1");
 * assertThat(syslog).eventually().hasMessage(diskFull);
 * syslog.awaitMessage(diskFull);
 * }</pre>
 *
 * <p>{@link #mismatches(SyslogMessage)} names each field that differs, with what was expected and
 * what the message has; an assertion's failure shows it for the nearest message.
 */
public final class SyslogMatcher implements Predicate<SyslogMessage> {
  private final List<Check> checks;

  private SyslogMatcher(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** A matcher that every message satisfies; add fields with the {@code with…} methods. */
  public static SyslogMatcher message() {
    return new SyslogMatcher(List.of());
  }

  /** The severity is {@code severity}. */
  public SyslogMatcher withSeverity(Severity severity) {
    Objects.requireNonNull(severity, "severity");
    return field("severity", severity.keyword(), m -> Optional.of(m.severity().keyword()), severity.keyword()::equals);
  }

  /** The facility is {@code facility}. */
  public SyslogMatcher withFacility(Facility facility) {
    Objects.requireNonNull(facility, "facility");
    return field("facility", facility.keyword(), m -> Optional.of(m.facility().keyword()), facility.keyword()::equals);
  }

  /** The hostname is {@code hostname}. */
  public SyslogMatcher withHostname(String hostname) {
    return equalTo("hostname", hostname, SyslogMessage::hostname);
  }

  /** The app name (RFC 5424 APP-NAME, RFC 3164 TAG) is {@code appName}. */
  public SyslogMatcher withAppName(String appName) {
    return equalTo("app name", appName, SyslogMessage::appName);
  }

  /** The process id (RFC 5424 PROCID, the {@code [pid]} of RFC 3164) is {@code procId}. */
  public SyslogMatcher withProcId(String procId) {
    return equalTo("procid", procId, SyslogMessage::procId);
  }

  /** The process id is {@code pid}. */
  public SyslogMatcher withProcId(long pid) {
    return withProcId(Long.toString(pid));
  }

  /** The RFC 5424 MSGID is {@code msgId}. */
  public SyslogMatcher withMsgId(String msgId) {
    return equalTo("msgid", msgId, SyslogMessage::msgId);
  }

  /** The message was read as {@code format}. */
  public SyslogMatcher withFormat(SyslogFormat format) {
    Objects.requireNonNull(format, "format");
    return field("format", format.name(), m -> Optional.of(m.format().name()), format.name()::equals);
  }

  /** The message text ({@link SyslogMessage#message()}) is exactly {@code text}. */
  public SyslogMatcher withText(String text) {
    return equalTo("text", text, m -> Optional.of(m.message()));
  }

  /** The message text contains {@code part}. */
  public SyslogMatcher withTextContaining(String part) {
    Objects.requireNonNull(part, "part");
    return field("text", "containing \"" + part + "\"", m -> Optional.of(m.message()), text -> text.contains(part));
  }

  /** Some part of the message text matches the regular expression {@code regex}. */
  public SyslogMatcher withTextMatching(String regex) {
    Objects.requireNonNull(regex, "regex");
    Pattern pattern = Pattern.compile(regex);
    return field("text", "matching /" + regex + "/", m -> Optional.of(m.message()), text -> pattern.matcher(text).find());
  }

  /** The structured-data element {@code sdId} has the parameter {@code name} with value {@code value}. */
  public SyslogMatcher withSdParam(String sdId, String name, String value) {
    Objects.requireNonNull(sdId, "sdId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return field("structured data [" + sdId + " " + name + "]", "\"" + value + "\"", m -> m.sdParam(sdId, name), value::equals);
  }

  /** The message parsed without error. */
  public SyslogMatcher withoutParseError() {
    return field("parse error", "none", m -> Optional.of(m.parseError().orElse("none")), "none"::equals);
  }

  @Override
  public boolean test(SyslogMessage message) {
    return mismatches(message).isEmpty();
  }

  /**
   * Each field of {@code message} that differs, in words, e.g. {@code severity: expected err but was
   * warning}; empty when the message matches.
   */
  public List<String> mismatches(SyslogMessage message) {
    Objects.requireNonNull(message, "message");
    List<String> found = new ArrayList<>();
    for (Check check : checks) {
      Optional<String> actual = check.read.apply(message);
      if (actual.isEmpty()) {
        found.add(check.field + ": expected " + check.expected + " but there is none");
      } else if (!check.accepts.test(actual.get())) {
        found.add(check.field + ": " + differs(check, actual.get()));
      }
    }
    return found;
  }

  /**
   * {@code expected "hello world" but was "hello wurld" (differs at column 8)} for an equality,
   * each value cut to the stretch around the difference; {@code expected containing "x" but was "…"}
   * otherwise.
   */
  private static String differs(Check check, String actual) {
    Bytes was = Bytes.of(actual);
    if (check.equal == null) {
      return "expected " + check.expected + " but was " + HexDump.quotedAround(was, 0);
    }
    Bytes wanted = Bytes.of(check.equal);
    long at = Math.max(0, wanted.mismatch(was));
    return "expected " + HexDump.quotedAround(wanted, at) + " but was " + HexDump.quotedAround(was, at)
        + " (differs at column " + (at + 1) + ")";
  }

  private SyslogMatcher equalTo(String field, String expected, Function<SyslogMessage, Optional<String>> read) {
    Objects.requireNonNull(expected, field);
    List<Check> more = new ArrayList<>(checks);
    more.add(new Check(field, "\"" + expected + "\"", read, expected::equals, expected));
    return new SyslogMatcher(more);
  }

  private SyslogMatcher field(
      String field, String expected, Function<SyslogMessage, Optional<String>> read, Predicate<String> accepts) {
    List<Check> more = new ArrayList<>(checks);
    more.add(new Check(field, expected, read, accepts, null));
    return new SyslogMatcher(more);
  }

  /** @param equal the value an equality check wants, or null for other checks */
  private record Check(
      String field, String expected, Function<SyslogMessage, Optional<String>> read, Predicate<String> accepts,
      String equal) {}

  /** E.g. {@code a message with severity err, app name "backup"}. */
  @Override
  public String toString() {
    if (checks.isEmpty()) {
      return "any message";
    }
    StringBuilder text = new StringBuilder("a message with ");
    for (int i = 0; i < checks.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(checks.get(i).field).append(' ').append(checks.get(i).expected);
    }
    return text.toString();
  }
}
