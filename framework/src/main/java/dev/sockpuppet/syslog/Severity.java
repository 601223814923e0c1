package dev.sockpuppet.syslog;

import java.util.Locale;
import java.util.Objects;

/**
 * The severity of a syslog message, as numbered by RFC 5424 §6.2.1: 0 is the most severe.
 *
 * <pre>{@code
 * Severity.of(3);              // ERROR
 * Severity.ERROR.keyword();    // "err", as in "user.err"
 * Severity.ofKeyword("warn")   // WARNING
 * }</pre>
 */
public enum Severity {
  /** 0: system is unusable. */
  EMERGENCY("emerg"),
  /** 1: action must be taken immediately. */
  ALERT("alert"),
  /** 2: critical conditions. */
  CRITICAL("crit"),
  /** 3: error conditions. */
  ERROR("err"),
  /** 4: warning conditions. */
  WARNING("warning"),
  /** 5: normal but significant condition. */
  NOTICE("notice"),
  /** 6: informational messages. */
  INFORMATIONAL("info"),
  /** 7: debug-level messages. */
  DEBUG("debug");

  private static final Severity[] BY_CODE = values();

  private final String keyword;

  Severity(String keyword) {
    this.keyword = keyword;
  }

  /** The numeric code, 0 (emerg) to 7 (debug). */
  public int code() {
    return ordinal();
  }

  /** The lowercase name syslog.conf and {@code logger -p} use, e.g. {@code "err"}. */
  public String keyword() {
    return keyword;
  }

  /**
   * The severity with numeric code {@code code}.
   *
   * @throws IllegalArgumentException if {@code code} is not 0 to 7
   */
  public static Severity of(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("syslog severity code must be 0 (emerg) to 7 (debug), got " + code);
    }
    return BY_CODE[code];
  }

  /**
   * The severity named {@code keyword} ({@code "err"}) or by its constant name ({@code "ERROR"}),
   * ignoring case; the old names {@code panic}, {@code error} and {@code warn} and the short
   * {@code emerg}/{@code crit}/{@code info} are accepted too.
   *
   * @throws IllegalArgumentException if no severity has that name; the message lists the names
   */
  public static Severity ofKeyword(String keyword) {
    Objects.requireNonNull(keyword, "keyword");
    String wanted = keyword.trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "panic":
        return EMERGENCY;
      case "error":
        return ERROR;
      case "warn":
        return WARNING;
      default:
        break;
    }
    for (Severity severity : BY_CODE) {
      if (severity.keyword.equals(wanted) || severity.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        return severity;
      }
    }
    throw new IllegalArgumentException(
        "no syslog severity is named \"" + keyword + "\"; the names are emerg, alert, crit, err, warning, notice, info, debug");
  }
}
