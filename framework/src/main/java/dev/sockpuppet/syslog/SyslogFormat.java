package dev.sockpuppet.syslog;

/** Which syslog header a {@link SyslogMessage} was read with. */
public enum SyslogFormat {
  /**
   * The RFC 5424 header: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA}
   * and then the MSG. Sent by {@code logger --rfc5424}, rsyslog's forwarding formats, and the
   * RFC 5424 appenders of Log4j2 and others. A message whose header is broken part way through
   * keeps this format and says what went wrong in its parse error.
   */
  RFC5424,

  /**
   * The BSD format (RFC 3164) as real programs write it: a valid PRI and then, optionally, a
   * {@code Mmm dd hh:mm:ss} timestamp, a hostname and a tag before the text. glibc's {@code
   * syslog()}, {@code logger} without {@code --rfc5424}, busybox, Python's SysLogHandler and the
   * BSD layouts of Log4j2 and Logback send this. How the hostname and tag are told apart is
   * described on {@link SyslogMessage}.
   */
  RFC3164,

  /**
   * No valid PRI could be read, so no header at all. As RFC 3164 §4.3.3 asks of a relay, the
   * message is taken as {@code user.notice} (PRI 13) and the whole record is its text; the parse
   * error says what was wrong with the PRI.
   */
  UNPARSED
}
