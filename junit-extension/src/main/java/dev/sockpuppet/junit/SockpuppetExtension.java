package dev.sockpuppet.junit;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.internal.Evidence;
import dev.sockpuppet.junit.internal.Lifecycle;
import dev.sockpuppet.junit.internal.Parameters;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit Jupiter extension behind {@link WithTcpServer}, {@link WithUnixSocketServer}, {@link
 * WithUdpServer}, {@link WithUnixDatagramServer}, {@link WithSyslogServer} and {@link ManagedFake}. Those annotations register it, so tests never name it; {@code
 * @ExtendWith(SockpuppetExtension.class)} is harmless but unnecessary.
 *
 * <pre>{@code
 * @WithUnixSocketServer(name = "daemon", lines = {"PING -> PONG"})
 * class DaemonClientTest {
 *   @Test
 *   void pings(UnixSocketServer daemon) {
 *     new DaemonClient(daemon.path()).ping();
 *     daemon.awaitReceivedLine("PING");
 *   }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Class-scoped fakes and static {@code @ManagedFake} fields start before {@code
 * @BeforeAll} methods and stop after {@code @AfterAll} methods; per-test fakes and instance {@code
 * @ManagedFake} fields start before {@code @BeforeEach} methods (before the test instance is constructed,
 * when its constructor asks for one) and stop after {@code @AfterEach} methods. A static field used
 * by several test classes (declared in a shared base class) is started by the first class that
 * uses it and stopped by the last; see {@link ManagedFake}. Everything lives in JUnit's {@code
 * ExtensionContext.Store}, so it is stopped and closed even when a callback fails. Stopping a fake
 * removes its socket files (also when the test failed) and verifies it: a handler error, a line no
 * rule matched or a thread that would not stop fails the test with the fake's {@code
 * AssertionFailedError}. After the evidence is kept, the fake is closed, which deletes the part of
 * its recording that spilled to disk.
 *
 * <p><b>Injection.</b> A parameter of a test method, a lifecycle method or the test class's
 * constructor whose type is {@link dev.sockpuppet.Fake} or a subtype ({@code FakeServer}, {@code
 * StreamServer}, {@code TcpServer}, {@code UnixSocketServer}, {@code DatagramServer}, {@code
 * UdpServer}, {@code UnixDatagramServer}, {@code SyslogServer}) receives the declared fake of that
 * type; {@link ManagedFake @ManagedFake("name")} picks one by name. Code that runs once per class ({@code
 * @BeforeAll}, {@code @AfterAll}, a constructor under {@code @TestInstance(Lifecycle.PER_CLASS)})
 * sees only {@code scope = PER_CLASS} fakes.
 *
 * <p><b>Evidence.</b> When a test fails, the transcript of every fake it could see (for a {@code
 * SyslogServer} followed by the messages it parsed, one per line) is added to the failure as a
 * suppressed exception, written to {@code
 * target/sockpuppet/<fully-qualified class name>/<method>/<fake>.txt} (a class's own fakes: {@code
 * target/sockpuppet/<fully-qualified class name>/<fake>.txt}; a repeated or parameterized test adds
 * the invocation to the method, {@code pings#2}, and a {@code @ParameterizedClass} to the class,
 * {@code ClientTest#2}), replacing the file of an earlier run, and published as a report attachment
 * ({@code ExtensionContext.publishFile}). Where the launcher takes no attachments, or on a JUnit
 * without {@code publishFile}, the file and the failure still carry the transcript and nothing is
 * logged above debug level.
 *
 * <p><b>Configuration parameters</b> ({@code junit-platform.properties} or the launcher):
 *
 * <ul>
 *   <li>{@code sockpuppet.timeout.default}: timeout of annotation-declared fakes that set none, e.g.
 *       {@code 5s} or {@code PT5S} (default: the framework's 10 s);
 *   <li>{@code sockpuppet.transcripts.write}: {@code on-failure} (default), {@code always} or {@code
 *       never} — when transcript files are written and published; a failure always carries them;
 *   <li>{@code sockpuppet.transcripts.dir}: where the files go (default {@code target/sockpuppet},
 *       relative to the working directory).
 * </ul>
 *
 * An invalid value fails the tests that use fakes with an {@code ExtensionConfigurationException}
 * naming the parameter.
 *
 * <p><b>Threads.</b> Holds no state of its own; all state is in JUnit's stores, so it is safe under
 * parallel execution. Tests that publish an address in the same system property are kept from
 * running at the same time (see {@link WithTcpServer#systemProperty()}).
 */
public final class SockpuppetExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

  /** JUnit instantiates extensions reflectively. */
  public SockpuppetExtension() {}

  /**
   * Asks JUnit for the test's own context when it constructs a test instance. By default JUnit
   * resolves constructor parameters with the class's context, which holds only the class's fakes,
   * so a constructor could not receive a per-test fake; with the test's context, the test's fakes
   * start before the constructor runs, and they are the same ones its methods receive. Under {@code
   * @TestInstance(Lifecycle.PER_CLASS)} JUnit keeps the class's context, as it must.
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Lifecycle.beforeAll(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Lifecycle.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Evidence.afterEach(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Evidence.afterAll(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return Parameters.supports(parameterContext);
  }

  @Override
  public Fake resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return Parameters.resolve(parameterContext, extensionContext);
  }
}
