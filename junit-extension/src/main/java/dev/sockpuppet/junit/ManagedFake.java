package dev.sockpuppet.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a fake the extension manages: on a <b>field</b>, a fake you built yourself; on a
 * <b>parameter</b>, which of the declared fakes to inject.
 *
 * <p><b>Fields</b> (the Testcontainers {@code @Container} rule) may hold any {@link
 * dev.sockpuppet.Fake}:
 *
 * <pre>{@code
 * class ClientTest {
 *   @ManagedFake static final TcpServer shared = TcpServer.create().withResponder(Responder.echo());
 *   @ManagedFake final UnixSocketServer daemon = UnixSocketServer.create().withHandler(myHandler);
 * }
 * }</pre>
 *
 * <p>A <b>static field</b>'s fake is started before the {@code @BeforeAll} methods of the first
 * test class that uses it and stopped after the {@code @AfterAll} methods of the last one that
 * stops using it. Usually that is one class; a field in a base class that several test classes
 * extend is shared by them: run one after the other, each class gets a fresh run of the fake (a
 * stopped fake starts again with a fresh recording and, unless its address is fixed, a fresh
 * address); run in parallel, they share one run and neither stops it while the other still needs
 * it. Running a class again in the same JVM restarts the fake the same way.
 *
 * <p>An <b>instance field</b>'s fake is started before each test's {@code @BeforeEach} methods and
 * stopped after its {@code @AfterEach} methods; since JUnit creates a new test instance per test,
 * every test gets a fresh fake. Under {@code @TestInstance(Lifecycle.PER_CLASS)} the one instance
 * lives for the whole class, so its field fakes are started once before {@code @BeforeAll} and
 * stopped after {@code @AfterAll}. Fields of the enclosing instances of a {@code @Nested} test are
 * handled the same way.
 *
 * <p>A fake that is already running is adopted (and stopped at the end of its lifetime). Stopping
 * {@linkplain dev.sockpuppet.Fake#verify() verifies} the fake, so handler errors fail the test, and
 * on failure its transcript is kept as for annotation-declared fakes, under the name given here or
 * else the field's name. Field fakes are not injected into parameters: use the field.
 *
 * <p>Failure cases ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming
 * the field): the field is {@code null}, its type is not a {@link dev.sockpuppet.Fake}, or its fake
 * could not start (the message gives the reason, e.g. a fixed port in use).
 *
 * <p><b>Parameters</b>: {@code @ManagedFake("daemon") UnixSocketServer daemon} receives the fake
 * named {@code daemon} declared by {@link WithUnixSocketServer @WithUnixSocketServer(name =
 * "daemon")} (or another {@code @With…} annotation) on the method, its class or an enclosing class.
 * Without {@code @ManagedFake}, or with an empty value, a parameter is matched by its type alone:
 * the fake's own class ({@code TcpServer}, {@code UnixSocketServer}, {@code UdpServer}, {@code
 * UnixDatagramServer}, {@code SyslogServer}) or a supertype ({@code StreamServer}, {@code
 * DatagramServer}, {@code FakeServer}, {@code Fake}). If several fakes fit, or none has the name, a {@link
 * org.junit.jupiter.api.extension.ParameterResolutionException} lists the available names.
 * Parameter names are not used, so compiling with {@code -parameters} is not needed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@ExtendWith(SockpuppetExtension.class)
public @interface ManagedFake {
  /**
   * On a parameter, the name of the fake to inject (empty: match by type). On a field, the name
   * used for the fake's transcript file (empty: the field's name).
   */
  String value() default "";
}
