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
 * <p><b>Fields</b> (the Testcontainers {@code @Container} rule):
 *
 * <pre>{@code
 * class ClientTest {
 *   @Fake static final TcpServer shared = TcpServer.create().withResponder(Responder.echo());
 *   @Fake final UnixSocketServer daemon = UnixSocketServer.create().withHandler(myHandler);
 * }
 * }</pre>
 *
 * A static field's fake is started before {@code @BeforeAll} methods and stopped after {@code
 * @AfterAll} methods of its class. An instance field's fake is started before each test's {@code
 * @BeforeEach} methods and stopped after its {@code @AfterEach} methods; since JUnit creates a new
 * test instance per test, every test gets a fresh fake. Under {@code
 * @TestInstance(Lifecycle.PER_CLASS)} the one instance lives for the whole class, so its field fakes
 * are started once before {@code @BeforeAll} and stopped after {@code @AfterAll}. Fields of the
 * enclosing instances of a {@code @Nested} test are handled the same way. A fake that is already
 * running is adopted (and stopped at the end of its lifetime). Stopping {@linkplain
 * dev.sockpuppet.FakeServer#verify() verifies} the fake, so handler errors fail the test, and on
 * failure its transcript is kept as for annotation-declared fakes, under the name given here or
 * else the field's name. Field fakes are not injected into parameters: use the field.
 *
 * <p>Failure cases ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming
 * the field): the field is {@code null}, its type is not a {@link dev.sockpuppet.FakeServer}, or
 * it holds a fake that was already stopped (a stopped fake cannot start again).
 *
 * <p><b>Parameters</b>: {@code @Fake("daemon") UnixSocketServer daemon} receives the fake named
 * {@code daemon} declared by {@link WithUnixSocketServer @WithUnixSocketServer(name = "daemon")}
 * (or another {@code @With…} annotation) on the method, its class or an enclosing class. Without
 * {@code @Fake}, or with an empty value, a parameter is matched by its type alone ({@code
 * TcpServer}, {@code UnixSocketServer}, {@code StreamServer} or {@code FakeServer}); if several
 * fakes fit, or none has the name, a {@link org.junit.jupiter.api.extension.ParameterResolutionException}
 * lists the available names. Parameter names are not used, so compiling with {@code -parameters} is
 * not needed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@ExtendWith(SockpuppetExtension.class)
public @interface Fake {
  /**
   * On a parameter, the name of the fake to inject (empty: match by type). On a field, the name
   * used for the fake's transcript file (empty: the field's name).
   */
  String value() default "";
}
