/**
 * A fake syslog daemon and the messages it receives.
 *
 * <p>{@link dev.sockpuppet.syslog.SyslogServer} listens where a syslog daemon would: a Unix
 * datagram socket (the {@code /dev/log} case, the default), a Unix stream socket, UDP or TCP
 * ({@link dev.sockpuppet.syslog.SyslogTransport}); {@link dev.sockpuppet.syslog.SyslogMatcher} says
 * what a message should look like, for waits and for {@code SocketAssertions.assertThat(syslog)}.
 *
 * <p>{@link dev.sockpuppet.syslog.SyslogMessage} is one received message, parsed from RFC 5424 or
 * RFC 3164 (as glibc, {@code logger}, busybox, Python, Log4j2 and Logback write it) with its raw
 * bytes kept; a record that cannot be parsed is kept too, with a parse error that names the field
 * and byte offset. {@link dev.sockpuppet.syslog.Facility}, {@link dev.sockpuppet.syslog.Severity},
 * {@link dev.sockpuppet.syslog.SyslogFormat}, {@link dev.sockpuppet.syslog.SdElement} and {@link
 * dev.sockpuppet.syslog.SdParam} are its parts.
 *
 * <pre>{@code
 * SyslogMessage m = SyslogMessage.parse(Bytes.of("<34>Oct 11 22:14:15 mymachine su: 'su root' failed"));
 * m.facility();   // AUTH
 * m.severity();   // CRITICAL
 * m.hostname();   // Optional["mymachine"]
 * m.appName();    // Optional["su"]
 * }</pre>
 */
package dev.sockpuppet.syslog;
