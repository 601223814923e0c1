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
 * Gives a test a started {@link dev.sockpuppet.stream.UnixSocketServer}: a daemon socket that the program
 * under test connects to.
 *
 * <pre>{@code
 * @WithUnixSocketServer(name = "daemon", responder = ResponderType.ECHO, systemProperty = "app.socket")
 * class ClientTest {
 *   @Test
 *   void talks(@ManagedFake("daemon") UnixSocketServer daemon) {
 *     new Client(Path.of(System.getProperty("app.socket"))).send("status\n");
 *     daemon.awaitReceivedLine("status");
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where:</b> on a test class (it then applies to every test of the class and of its
 * {@code @Nested} classes), on a test method, or on an annotation of your own that composes it.
 * Repeatable; give each fake of a test a distinct {@link #name()}.
 *
 * <p><b>Socket file:</b> by default in a fresh owner-only directory under a short base path (so it
 * always fits {@code sun_path}), named after the fake; {@link #path()} or {@link #abstractName()}
 * choose otherwise. The file and its directory are removed when the fake stops, also when the test
 * failed.
 *
 * <p><b>Lifecycle:</b> see {@link Scope}: a fresh server per test unless {@code scope =
 * Scope.PER_CLASS}. The server is stopped after the test, which also {@linkplain
 * dev.sockpuppet.Fake#verify() verifies} it: an error in a connection handler or a line that no
 * rule matched fails the test. On failure the server's transcript is added to the failure and
 * written to a file (see {@link SockpuppetExtension}).
 *
 * <p><b>Injection:</b> a test, lifecycle method or constructor parameter of type {@code
 * UnixSocketServer}, {@code StreamServer}, {@code FakeServer} or {@code dev.sockpuppet.Fake} receives
 * it; qualify the parameter with {@link ManagedFake @ManagedFake("name")} when a test has several fakes of that
 * type. A constructor gets the same fake as the test's methods; under {@code
 * @TestInstance(Lifecycle.PER_CLASS)} (one instance for the class) only a {@code Scope.PER_CLASS}
 * fake can be injected into it.
 *
 * <p><b>Failure cases</b> ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException}):
 * both {@code path} and {@code abstractName}; two behaviours (e.g. {@code responder = ECHO} and
 * {@code reply}, or {@code handler} and {@code lines}: a fake has one); malformed {@code
 * permissions}, {@code timeout} or {@code lines}; a {@code handler} class that cannot be created;
 * a path that is too long or whose directory is missing (the message says which).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithUnixSocketServer.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithUnixSocketServer {
  /**
   * The server's name in messages, transcripts, thread names and the default socket file name, and
   * the name a parameter asks for with {@link ManagedFake @ManagedFake("name")}. Default {@code "unix"}.
   */
  String name() default "";

  /** A fresh server per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to the socket's path (for {@link #abstractName()}: {@code @} followed by
   * the name, as {@code ss} and systemd write it) while the fake lives — per test, or from before
   * {@code @BeforeAll} to after {@code @AfterAll} for {@code Scope.PER_CLASS} — and restored to its
   * previous value (or cleared) afterwards. Tests that set the same property never run at the same
   * time under parallel execution. Default: none.
   */
  String systemProperty() default "";

  /**
   * An explicit socket path instead of a fresh private one; its directory must exist. Relative
   * paths resolve against the working directory. Prefer the default, which cannot collide when
   * tests run in parallel.
   */
  String path() default "";

  /** A name in Linux's abstract namespace instead of a file (Linux only; uses junixsocket). */
  String abstractName() default "";

  /** Permissions of the socket file such as {@code "rw-rw----"}; default {@code "rw-------"}. */
  String permissions() default "";

  /** Records each connection's peer pid, uid and gid (uses junixsocket). */
  boolean peerCredentials() default false;

  /** A canned behaviour; default {@link ResponderType#SINK} (record only). */
  ResponderType responder() default ResponderType.SINK;

  /**
   * Plain code that plays the server's side of each connection: a class implementing {@link
   * dev.sockpuppet.behaviour.Handler}, created once per fake through its constructor without
   * parameters (which may be private). The one instance serves every connection of the fake, each
   * on a thread of its own, so a handler that keeps state must be thread-safe.
   *
   * <pre>{@code
   * @WithUnixSocketServer(handler = PingHandler.class)
   * class DaemonClientTest {
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
   * Line rules, one per element, tried in order: {@code "PING -> PONG"}, {@code "/GET (\\w+)/ ->
   * VALUE $1"} (a regular expression on the whole line), {@code "NOOP ->"} (accept, no answer). See
   * {@link WithTcpServer#lines()}.
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
   * How long the server's waits last, e.g. {@code "5s"}, {@code "500ms"} or {@code "PT5S"}.
   * Default: the configuration parameter {@code sockpuppet.timeout.default}, else 10 s.
   */
  String timeout() default "";

  /** Bytes of recording kept in memory before spilling to a file; negative means the default (64 MiB). */
  long memoryLimit() default -1;

  /**
   * Holds several {@link WithUnixSocketServer} annotations; the compiler writes it for you when you
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
    WithUnixSocketServer[] value();
  }
}
