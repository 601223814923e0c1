package dev.sockpuppet.junit;

/**
 * How long a fake declared by an annotation such as {@link WithTcpServer} lives.
 *
 * <pre>{@code
 * @WithTcpServer(name = "shared", scope = Scope.PER_CLASS)
 * class ClientTest { … }
 * }</pre>
 *
 * <p>The default, {@link #PER_TEST}, gives every test a fresh fake, so no test sees another's
 * connections or recording. {@link #PER_CLASS} is an opt-in for classes whose tests are cheap to
 * keep apart and expensive to set up (for example a program started once in {@code @BeforeAll}).
 */
public enum Scope {
  /**
   * A fresh fake for every test (every invocation of a repeated or parameterized test, in every
   * invocation of a {@code @ParameterizedClass}), started before {@code @BeforeEach} methods run
   * (before the test instance is constructed, if its constructor asks for the fake) and stopped
   * after {@code @AfterEach} methods ran.
   */
  PER_TEST,
  /**
   * One fake for all tests of the annotated class, including its {@code @Nested} classes; started
   * before {@code @BeforeAll} methods and stopped after {@code @AfterAll} methods. Like those
   * methods, it is one fake for all invocations of a {@code @ParameterizedClass}; use {@link
   * #PER_TEST} for a fresh one per test. Only allowed on a class: on a method it fails
   * with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException}.
   */
  PER_CLASS
}
