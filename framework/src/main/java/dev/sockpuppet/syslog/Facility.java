package dev.sockpuppet.syslog;

import java.util.Locale;
import java.util.Objects;

/**
 * The facility of a syslog message: the part of the system that logged it, as numbered by RFC 5424
 * §6.2.1 (the same codes as RFC 3164 and glibc's {@code <syslog.h>}).
 *
 * <pre>{@code
 * Facility.of(16);               // LOCAL0
 * Facility.LOCAL0.keyword();     // "local0", as in "local0.info"
 * Facility.ofKeyword("authpriv") // AUTHPRIV
 * }</pre>
 *
 * <p>{@link #keyword()} is the name syslog.conf, {@code logger -p} and glibc use. Codes 13 and 15
 * have no glibc name; they use the names rsyslog gives them ({@code audit}, also called
 * "security", and {@code clock}, also called "cron2").
 */
public enum Facility {
  /** 0: kernel messages. */
  KERN("kern"),
  /** 1: user-level messages; the default of {@code logger} and Python's SysLogHandler. */
  USER("user"),
  /** 2: mail system. */
  MAIL("mail"),
  /** 3: system daemons. */
  DAEMON("daemon"),
  /** 4: security/authorization messages. */
  AUTH("auth"),
  /** 5: messages generated internally by syslogd. */
  SYSLOG("syslog"),
  /** 6: line printer subsystem. */
  LPR("lpr"),
  /** 7: network news subsystem. */
  NEWS("news"),
  /** 8: UUCP subsystem. */
  UUCP("uucp"),
  /** 9: clock daemon (cron). */
  CRON("cron"),
  /** 10: private security/authorization messages. */
  AUTHPRIV("authpriv"),
  /** 11: FTP daemon. */
  FTP("ftp"),
  /** 12: NTP subsystem. */
  NTP("ntp"),
  /** 13: log audit, also called "security". */
  AUDIT("audit"),
  /** 14: log alert. */
  ALERT("alert"),
  /** 15: clock daemon, also called "cron2". */
  CLOCK("clock"),
  /** 16: local use 0. */
  LOCAL0("local0"),
  /** 17: local use 1. */
  LOCAL1("local1"),
  /** 18: local use 2. */
  LOCAL2("local2"),
  /** 19: local use 3. */
  LOCAL3("local3"),
  /** 20: local use 4. */
  LOCAL4("local4"),
  /** 21: local use 5. */
  LOCAL5("local5"),
  /** 22: local use 6. */
  LOCAL6("local6"),
  /** 23: local use 7. */
  LOCAL7("local7");

  private static final Facility[] BY_CODE = values();

  private final String keyword;

  Facility(String keyword) {
    this.keyword = keyword;
  }

  /** The numeric code, 0 to 23; the PRI of a message is {@code code() * 8 + severity}. */
  public int code() {
    return ordinal();
  }

  /** The lowercase name syslog.conf and {@code logger -p} use, e.g. {@code "local0"}. */
  public String keyword() {
    return keyword;
  }

  /**
   * The facility with numeric code {@code code}.
   *
   * @throws IllegalArgumentException if {@code code} is not 0 to 23
   */
  public static Facility of(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException(
          "syslog facility code must be 0 (kern) to 23 (local7), got " + code);
    }
    return BY_CODE[code];
  }

  /**
   * The facility named {@code keyword} ({@code "daemon"}), or by its constant name ({@code
   * "DAEMON"}), ignoring case; {@code "security"} and {@code "cron2"} are accepted for AUDIT and
   * CLOCK.
   *
   * @throws IllegalArgumentException if no facility has that name; the message lists the names
   */
  public static Facility ofKeyword(String keyword) {
    Objects.requireNonNull(keyword, "keyword");
    String wanted = keyword.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("security")) {
      return AUDIT;
    }
    if (wanted.equals("cron2")) {
      return CLOCK;
    }
    for (Facility facility : BY_CODE) {
      if (facility.keyword.equals(wanted)) {
        return facility;
      }
    }
    StringBuilder names = new StringBuilder();
    for (Facility facility : BY_CODE) {
      names.append(names.length() == 0 ? "" : ", ").append(facility.keyword);
    }
    throw new IllegalArgumentException("no syslog facility is named \"" + keyword + "\"; the names are " + names);
  }
}
