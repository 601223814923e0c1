package dev.sockpuppet.junit;

import dev.sockpuppet.junit.internal.SystemPropertyLocks;
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
 * Gives a test a started {@link dev.sockpuppet.datagram.UnixDatagramServer}: a Unix-domain
 * datagram socket (the {@code /dev/log} kind) that the program under test sends datagrams to. For
 * syslog messages parsed into fields, use {@link WithSyslogServer}.
 *
 * <pre>{@code
 * @WithUnixDatagramServer(name = "log", systemProperty = "app.log.socket")
 * class LoggingTest {
 *   @Test
 *   void logs(UnixDatagramServer log) {
 *     new App(Path.of(System.getProperty("app.log.socket"))).run();
 *     log.awaitDatagram();
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where, lifecycle, evidence:</b> as for {@link WithTcpServer}: on a test class, a test
 * method or an annotation of your own; repeatable with distinct {@link #name()}s; a fresh server
 * per test unless {@code scope = Scope.PER_CLASS}; stopping verifies it; on failure its transcript
 * (every datagram with sender and time) is kept (see {@link SockpuppetExtension}).
 *
 * <p><b>Socket file:</b> as for {@link WithUnixSocketServer}: by default in a fresh owner-only
 * directory under a short base path, named after the fake; {@link #path()} or {@link
 * #abstractName()} choose otherwise. The file and its directory are removed when the fake stops,
 * also when the test failed. Uses junixsocket (the JDK has no Unix datagram sockets).
 *
 * <p><b>Injection:</b> a parameter of type {@code UnixDatagramServer}, {@code DatagramServer},
 * {@code FakeServer} or {@code dev.sockpuppet.Fake} receives it; qualify it with {@link ManagedFake
 * @ManagedFake("name")} when a test has several fakes of that type.
 *
 * <p><b>Failure cases</b> ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException}):
 * both {@code path} and {@code abstractName}; more than one of {@code responder = ECHO}, {@code
 * reply} and {@code script}; a script with a step a datagram fake cannot play;
 * malformed {@code permissions} or {@code timeout}; a path that is too long or whose directory is
 * missing (the message says which); a {@link PacketFault} without an attribute its type needs, with
 * one it does not use, or with an invalid value.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithUnixDatagramServer.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithUnixDatagramServer {
  /**
   * The server's name in messages, transcripts, thread names and the default socket file name, and
   * the name a parameter asks for with {@link ManagedFake @ManagedFake("name")}. Default {@code
   * "unixgram"}.
   */
  String name() default "";

  /** A fresh server per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to the socket's path (for {@link #abstractName()}: {@code @} followed by
   * the name) while the fake lives, and restored afterwards; see {@link
   * WithUnixSocketServer#systemProperty()}. Default: none.
   */
  String systemProperty() default "";

  /** An explicit socket path instead of a fresh private one; its directory must exist. */
  String path() default "";

  /** A name in Linux's abstract namespace instead of a file (Linux only). */
  String abstractName() default "";

  /** Permissions of the socket file such as {@code "rw-rw-rw-"}; default {@code "rw-------"}. */
  String permissions() default "";

  /**
   * {@link ResponderType#SINK} (default) records only; {@link ResponderType#ECHO} sends every
   * datagram back to its sender. A sender that bound no address (as {@code logger} and glibc's
   * {@code syslog(3)}) cannot be answered, which fails the test.
   */
  ResponderType responder() default ResponderType.SINK;

  /** Text sent back to the sender of every datagram (UTF-8). Default: none. */
  String reply() default "";

  /**
   * How long the server's waits (and a reply the program does not take) last, e.g. {@code "5s"}.
   * Default: the configuration parameter {@code sockpuppet.timeout.default}, else 10 s.
   */
  String timeout() default "";

  /** Bytes of recording kept in memory before spilling to a file; negative means the default (64 MiB). */
  long memoryLimit() default -1;

  /**
   * A script played over the datagrams the program sends, made by a {@link ScriptProvider} class
   * (created like a {@link WithTcpServer#script()}): each expect takes one whole datagram, each
   * send replies to its sender (see {@code withScript} on the server). Not with {@link
   * #responder()} or {@link #reply()}. Default {@code ScriptProvider.class}: none.
   */
  Class<? extends ScriptProvider> script() default ScriptProvider.class;

  /** Lets the test pass although the {@link #script()} did not run to its end. */
  boolean unfinishedScriptsAllowed() default false;

  /**
   * Faults the server injects on purpose, one {@link PacketFault} each, e.g. {@code faults =
   * @PacketFault(type = DROP, datagrams = 0)} to lose the first reply so that the program must
   * retry, or {@code @PacketFault(type = DELAY, delay = "50ms")}. Several combine as {@link
   * dev.sockpuppet.datagram.DatagramFault} describes.
   */
  PacketFault[] faults() default {};

  /**
   * Holds several {@link WithUnixDatagramServer} annotations; the compiler writes it for you when
   * you repeat the annotation.
   */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @ExtendWith(SockpuppetExtension.class)
  @ResourceLock(providers = SystemPropertyLocks.class)
  @interface List {
    /** The repeated annotations. */
    WithUnixDatagramServer[] value();
  }
}
