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
 * Gives a test a started {@link dev.sockpuppet.datagram.UdpServer} on loopback, on a port the
 * kernel picks: the statsd, DNS or metrics endpoint the program under test sends datagrams to.
 *
 * <pre>{@code
 * @WithUdpServer(name = "statsd", systemProperty = "statsd.address")
 * class MetricsTest {
 *   @Test
 *   void counts(UdpServer statsd) {
 *     new Metrics(System.getProperty("statsd.address")).increment("logins");   // "127.0.0.1:41234"
 *     assertEquals("logins:1|c", statsd.awaitDatagram().bytes().text());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where, lifecycle, evidence:</b> as for {@link WithTcpServer}: on a test class, a test
 * method or an annotation of your own; repeatable with distinct {@link #name()}s; a fresh server
 * per test unless {@code scope = Scope.PER_CLASS}. Stopping the server {@linkplain
 * dev.sockpuppet.Fake#verify() verifies} it (a responder that could not answer, a datagram cut by
 * the operating system fail the test); on failure its transcript, every datagram with sender and
 * time, is added to the failure and written to a file (see {@link SockpuppetExtension}).
 *
 * <p><b>Injection:</b> a parameter of type {@code UdpServer}, {@code DatagramServer}, {@code
 * FakeServer} or {@code dev.sockpuppet.Fake} receives it; qualify it with {@link ManagedFake
 * @ManagedFake("name")} when a test has several fakes of that type.
 *
 * <p><b>Behaviour:</b> records every datagram and answers none, unless {@link #responder()} is
 * {@code ECHO}, {@link #reply()} is set or a {@link #script()} plays the conversation (only one of
 * them: more fails the test with an {@link
 * org.junit.jupiter.api.extension.ExtensionConfigurationException}). For a reply computed per
 * datagram, build the server yourself and hold it in a {@link ManagedFake} field. Faults (lost,
 * duplicated, cut or late datagrams) are declared with {@link #faults()}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithUdpServer.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithUdpServer {
  /**
   * The server's name in messages, transcripts and thread names, and the name a parameter asks for
   * with {@link ManagedFake @ManagedFake("name")}. Default {@code "udp"}.
   */
  String name() default "";

  /** A fresh server per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to the server's {@code host:port} (e.g. {@code 127.0.0.1:41234}) while
   * the fake lives, and restored afterwards; see {@link WithTcpServer#systemProperty()}. Default:
   * none.
   */
  String systemProperty() default "";

  /**
   * {@link ResponderType#SINK} (default) records only; {@link ResponderType#ECHO} sends every
   * datagram back to its sender.
   */
  ResponderType responder() default ResponderType.SINK;

  /** Text sent back to the sender of every datagram (UTF-8). Default: none. */
  String reply() default "";

  /**
   * How long the server's waits (and a reply the program does not take) last, e.g. {@code "5s"},
   * {@code "500ms"} or {@code "PT5S"}. Default: the configuration parameter {@code
   * sockpuppet.timeout.default}, else 10 s.
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
   * Holds several {@link WithUdpServer} annotations; the compiler writes it for you when you repeat
   * the annotation.
   */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @ExtendWith(SockpuppetExtension.class)
  @ResourceLock(providers = SystemPropertyLocks.class)
  @interface List {
    /** The repeated annotations. */
    WithUdpServer[] value();
  }
}
