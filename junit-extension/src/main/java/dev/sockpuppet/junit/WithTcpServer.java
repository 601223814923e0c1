package dev.sockpuppet.junit;

import dev.sockpuppet.behaviour.Handler;
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
 * Gives a test a started {@link dev.sockpuppet.stream.TcpServer} on loopback, on a port the kernel picks.
 *
 * <pre>{@code
 * @WithTcpServer(lines = {"PING -> PONG"}, systemProperty = "app.endpoint")
 * class ClientTest {
 *   @Test
 *   void pings(TcpServer server) {
 *     new Client(System.getProperty("app.endpoint")).ping();   // "127.0.0.1:41234"
 *     server.awaitReceivedLine("PING");
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where:</b> on a test class (it then applies to every test of the class and of its
 * {@code @Nested} classes), on a test method, or on an annotation of your own that composes it.
 * Repeatable; give each fake of a test a distinct {@link #name()}.
 *
 * <p><b>Lifecycle:</b> see {@link Scope}: a fresh server per test unless {@code scope =
 * Scope.PER_CLASS}. The server is stopped after the test, which also {@linkplain
 * dev.sockpuppet.Fake#verify() verifies} it: an error in a connection handler or a line that no
 * rule matched fails the test. On failure the server's transcript is added to the failure and
 * written to a file (see {@link SockpuppetExtension}).
 *
 * <p><b>Injection:</b> a test, lifecycle method or constructor parameter of type {@code
 * TcpServer}, {@code StreamServer}, {@code FakeServer} or {@code dev.sockpuppet.Fake} receives
 * it; qualify the parameter with {@link ManagedFake @ManagedFake("name")} when a test has several fakes of that
 * type. A constructor gets the same fake as the test's methods; under {@code
 * @TestInstance(Lifecycle.PER_CLASS)} (one instance for the class) only a {@code Scope.PER_CLASS}
 * fake can be injected into it.
 *
 * <p><b>Behaviour:</b> at most one of {@link #responder()} (other than {@code SINK}), {@link
 * #handler()}, {@link #script()}, {@link #scriptsPerConnection()}, {@link #reply()}, {@link
 * #replyAndClose()} and {@link #lines()}; setting two fails
 * the test with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming
 * both. Without any, the server records and sends nothing.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithTcpServer.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithTcpServer {
  /**
   * The server's name in messages, transcripts and thread names, and the name a parameter asks for
   * with {@link ManagedFake @ManagedFake("name")}. Default {@code "tcp"}.
   */
  String name() default "";

  /** A fresh server per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to the server's {@code host:port} (e.g. {@code 127.0.0.1:41234}) while the
   * fake lives — per test, or from before {@code @BeforeAll} to after {@code @AfterAll} for {@code
   * Scope.PER_CLASS} — and restored to its previous value (or cleared) afterwards. Tests that set the
   * same property never run at the same time under parallel execution. Default: none.
   */
  String systemProperty() default "";

  /** A canned behaviour; default {@link ResponderType#SINK} (record only). */
  ResponderType responder() default ResponderType.SINK;

  /**
   * Plain code that plays the server's side of each connection: a class implementing {@link
   * dev.sockpuppet.behaviour.Handler}, created once per fake through its constructor without
   * parameters (which may be private). The one instance serves every connection of the fake, each
   * on a thread of its own, so a handler that keeps state must be thread-safe.
   *
   * <pre>{@code
   * @WithTcpServer(handler = PingHandler.class)
   * class ClientTest {
   *   private static final class PingHandler implements Handler {
   *     public void handle(LiveConnection connection) throws Exception {
   *       connection.writeLine("PING".equals(connection.readLine()) ? "PONG" : "ERR");
   *     }
   *   }
   * }
   * }</pre>
   *
   * Default {@code Handler.class}: none. An abstract class, an inner (non-static) class, a class
   * without a constructor that takes no parameters, or a constructor that throws fails the test with
   * an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming the annotation
   * and the class.
   */
  Class<? extends Handler> handler() default Handler.class;

  /**
   * A script for every connection, made by a {@link ScriptProvider} class (created like a {@link
   * #handler()}). The test fails unless at least one connection arrived and every connection's
   * script ran to its end (see {@link #unfinishedScriptsAllowed()}). Default {@code
   * ScriptProvider.class}: none.
   */
  Class<? extends ScriptProvider> script() default ScriptProvider.class;

  /**
   * One script per connection, in the order connections open (a first attempt that is reset, a
   * retry that succeeds); a connection beyond the last, or a script whose connection never arrives,
   * fails the test. Default: none.
   */
  Class<? extends ScriptProvider>[] scriptsPerConnection() default {};

  /** Lets the test pass although a script did not finish or never got its connection. */
  boolean unfinishedScriptsAllowed() default false;

  /** Text sent once per connection when the first bytes arrive ({@link dev.sockpuppet.behaviour.Responder#reply(String)}). */
  String reply() default "";

  /**
   * Text sent once per connection when the first bytes arrive, after which the server shuts down
   * its output ({@link dev.sockpuppet.behaviour.Responder#replyAndClose(String)}).
   */
  String replyAndClose() default "";

  /**
   * Line rules ({@link dev.sockpuppet.behaviour.Responder#lines(dev.sockpuppet.behaviour.LineRules)}), one per element,
   * tried in order: {@code "PING -> PONG"} answers the line {@code PING} with {@code PONG}; {@code
   * "/GET (\\w+)/ -> VALUE $1"} matches a regular expression against the whole line and may use its
   * groups; {@code "NOOP ->"} accepts the line without answering. The separator is the first {@code
   * " -> "} (space, arrow, space). A line that no rule matches fails the test when the server stops.
   */
  String[] lines() default {};

  /**
   * Faults the server injects on purpose, one {@link StreamFault} each, e.g. {@code faults
   * = @StreamFault(type = REFUSE, connections = 0)} to make the first connection attempt fail and a
   * retry succeed, or {@code @StreamFault(type = LATENCY, delay = "200ms")}. Several combine as
   * {@link dev.sockpuppet.behaviour.Fault} describes. Default: none.
   */
  StreamFault[] faults() default {};

  /**
   * How long the server's waits last, e.g. {@code "5s"}, {@code "500ms"}, {@code "2m"} or {@code
   * "PT5S"}. Default: the configuration parameter {@code sockpuppet.timeout.default}, else 10 s.
   */
  String timeout() default "";

  /** Bytes of recording kept in memory before spilling to a file; negative means the default (64 MiB). */
  long memoryLimit() default -1;

  /**
   * Holds several {@link WithTcpServer} annotations; the compiler writes it for you when you repeat
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
    WithTcpServer[] value();
  }
}
