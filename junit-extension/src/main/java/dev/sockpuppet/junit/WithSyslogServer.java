package dev.sockpuppet.junit;

import dev.sockpuppet.junit.internal.SystemPropertyLocks;
import dev.sockpuppet.syslog.SyslogTransport;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Gives a test a started {@link dev.sockpuppet.syslog.SyslogServer}: a fake syslog daemon that
 * parses every message (RFC 5424 or RFC 3164) the program under test logs, on a Unix datagram
 * socket (the {@code /dev/log} case, the default) or the {@link #transport()} given.
 *
 * <pre>{@code
 * @WithSyslogServer(systemProperty = "app.syslog")                       // a Unix datagram socket
 * @WithSyslogServer(name = "remote", transport = SyslogTransport.UDP, systemProperty = "app.remote")
 * class LoggingTest {
 *   @Test
 *   void logs(@ManagedFake("syslog") SyslogServer local) {
 *     new App(System.getProperty("app.syslog")).run();
 *     assertEquals(Optional.of("app"), local.awaitMessage(m -> m.message().contains("started")).appName());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where, lifecycle, evidence:</b> as for {@link WithTcpServer}: on a test class, a test
 * method or an annotation of your own; repeatable with distinct {@link #name()}s; a fresh daemon
 * per test unless {@code scope = Scope.PER_CLASS}; stopping verifies it. On failure its
 * transcript is kept (see {@link SockpuppetExtension}), followed by the parsed messages, one per
 * line, so a message the program logged with the wrong severity or app name is easy to spot.
 *
 * <p><b>The socket:</b> on a Unix transport as for {@link WithUnixSocketServer} (a fresh
 * owner-only directory, or {@link #path()}, {@link #abstractName()}, {@link #permissions()}),
 * removed when the daemon stops; on {@code UDP} and {@code TCP} loopback on a port the kernel
 * picks.
 *
 * <p><b>Injection:</b> a parameter of type {@code SyslogServer}, {@code FakeServer} or {@code
 * dev.sockpuppet.Fake} receives it; qualify it with {@link ManagedFake @ManagedFake("name")} when a
 * test has several fakes of that type.
 *
 * <p><b>Failure cases</b> ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException}):
 * {@code path}, {@code abstractName} or {@code permissions} with {@code transport = UDP} or {@code
 * TCP}; both {@code path} and {@code abstractName}; malformed {@code permissions}, {@code timeout}
 * or {@code maxMessageSize}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithSyslogServer.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithSyslogServer {
  /**
   * The daemon's name in messages, transcripts, thread names and the default socket file name, and
   * the name a parameter asks for with {@link ManagedFake @ManagedFake("name")}. Default {@code
   * "syslog"}.
   */
  String name() default "";

  /** A fresh daemon per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to where programs log while the fake lives, and restored afterwards (see
   * {@link WithTcpServer#systemProperty()}): on a Unix transport the socket's path (for {@link
   * #abstractName()}: {@code @} followed by the name), on {@code UDP} and {@code TCP} its {@code
   * host:port}, e.g. {@code 127.0.0.1:41234}. Default: none.
   */
  String systemProperty() default "";

  /**
   * The socket the daemon listens on: {@link SyslogTransport#UNIX_DATAGRAM} (default, what {@code
   * /dev/log} is), {@link SyslogTransport#UNIX_STREAM}, {@link SyslogTransport#UDP} or {@link
   * SyslogTransport#TCP}.
   */
  SyslogTransport transport() default SyslogTransport.UNIX_DATAGRAM;

  /** Unix transports: an explicit socket path instead of a fresh private one; its directory must exist. */
  String path() default "";

  /** Unix transports: a name in Linux's abstract namespace instead of a file (Linux only). */
  String abstractName() default "";

  /**
   * Unix transports: permissions of the socket file such as {@code "rw-rw-rw-"} (what {@code
   * /dev/log} has); default {@code "rw-------"}.
   */
  String permissions() default "";

  /**
   * Stream transports: the longest message kept whole, in bytes; a longer one is kept cut, with a
   * parse error. Zero or negative means the default (1 MiB).
   */
  int maxMessageSize() default 0;

  /**
   * How long the daemon's waits last, e.g. {@code "5s"}. Default: the configuration parameter
   * {@code sockpuppet.timeout.default}, else 10 s.
   */
  String timeout() default "";

  /** Bytes of recording kept in memory before spilling to a file; negative means the default (64 MiB). */
  long memoryLimit() default -1;

  /**
   * Holds several {@link WithSyslogServer} annotations; the compiler writes it for you when you
   * repeat the annotation.
   */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @ExtendWith(SockpuppetExtension.class)
  @ResourceLock(providers = SystemPropertyLocks.class)
  @interface List {
    /** The repeated annotations. */
    WithSyslogServer[] value();
  }
}
