package dev.sockpuppet.junit;

import dev.sockpuppet.FakeServer;
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
 * The JUnit Jupiter extension behind {@link WithTcpServer}, {@link WithUnixSocketServer} and {@link
 * Fake}. Those annotations register it, so tests never name it; {@code
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
 * <p><b>Lifecycle.</b> Class-scoped fakes and static {@code @Fake} fields start before {@code
 * @BeforeAll} methods and stop after {@code @AfterAll} methods; per-test fakes and instance {@code
 * @Fake} fields start before {@code @BeforeEach} methods and stop after {@code @AfterEach} methods.
 * Everything lives in JUnit's {@code ExtensionContext.Store}, so it is closed even when a callback
 * fails. Stopping a fake removes its socket files (also when the test failed) and verifies it: a
 * handler error, a line no rule matched or a thread that would not stop fails the test with the
 * fake's {@code AssertionFailedError}.
 *
 * <p><b>Evidence.</b> When a test fails, the transcript of every fake it could see is added to the
 * failure as a suppressed exception, written to {@code
 * target/sockpuppet/<class>/<method>/<fake>.txt} and published as a report attachment ({@code
 * ExtensionContext.publishFile}; skipped on JUnit versions without it).
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
  public FakeServer resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return Parameters.resolve(parameterContext, extensionContext);
  }
}
