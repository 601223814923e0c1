package dev.sockpuppet.syslog;

/** The socket a {@link SyslogServer} listens on, and how it finds the messages in it. */
public enum SyslogTransport {
  /**
   * A Unix datagram socket, one message per datagram: what {@code /dev/log} is, and what glibc's
   * {@code syslog(3)}, {@code logger} and Python's {@code SysLogHandler(address="/dev/log")} send
   * to. The default.
   */
  UNIX_DATAGRAM,
  /**
   * A Unix stream socket, messages ended by NUL or LF: what glibc and {@code logger} fall back to
   * when {@code /dev/log} is a stream socket (rsyslog's and journald's can be).
   */
  UNIX_STREAM,
  /** UDP, one message per datagram (RFC 5426): {@code logger -d}, Log4j2's and Logback's appenders. */
  UDP,
  /**
   * TCP (RFC 6587), framing detected per connection: octet counting ({@code 57 <13>1 …}) when a
   * connection starts with a digit, else messages ended by LF (or NUL): {@code logger -T [--octet-count]},
   * Log4j2's TCP appender.
   */
  TCP;

  /** Whether the transport is a Unix-domain socket (a path, permissions, the abstract namespace). */
  public boolean isUnix() {
    return this == UNIX_DATAGRAM || this == UNIX_STREAM;
  }
}
