package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.Scope;
import java.lang.annotation.Annotation;
import java.util.Objects;

/**
 * One kind of fake that an annotation declares: how to read the annotation's common attributes and
 * how to build the configured, not yet started fake. One subclass per {@code @With…} annotation;
 * all of them are listed in {@link FakeKinds}, whose documentation has the steps for adding one.
 *
 * <p>A kind builds any {@link Fake}: a server with an address, a client peer, a pair of FIFOs.
 * Everything after the build (starting, injection by type and name, system properties, locks,
 * transcripts, stopping) is the same for every kind.
 *
 * <p>Subclasses are stateless and thread-safe.
 *
 * @param <A> the annotation type
 */
public abstract class FakeKind<A extends Annotation> {
  private final Class<A> annotationType;
  private final Class<? extends Fake> fakeType;
  private final String defaultName;

  /**
   * @param annotationType the repeatable annotation that declares this kind of fake
   * @param fakeType the class of the fake it builds, named in messages about parameter types
   * @param defaultName the name of a fake whose annotation gives none
   */
  protected FakeKind(Class<A> annotationType, Class<? extends Fake> fakeType, String defaultName) {
    this.annotationType = Objects.requireNonNull(annotationType, "annotationType");
    this.fakeType = Objects.requireNonNull(fakeType, "fakeType");
    this.defaultName = Objects.requireNonNull(defaultName, "defaultName");
  }

  /** The annotation that declares this kind of fake. */
  public final Class<A> annotationType() {
    return annotationType;
  }

  /** The class of the fake this kind builds. */
  public final Class<? extends Fake> fakeType() {
    return fakeType;
  }

  /** The attributes every kind has: name, scope and system property. */
  protected abstract Common common(A annotation);

  /**
   * Builds the fake the annotation describes, configured but not started.
   *
   * @param declaration where the annotation was found and under which name, for messages
   * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException if an attribute is
   *     invalid, naming the attribute and the declaration
   */
  protected abstract Fake build(A annotation, Declaration declaration, Settings settings);

  /**
   * What a {@code systemProperty} is set to for a started fake of this kind: its address as the
   * program under test expects it, e.g. {@code 127.0.0.1:41234} or a socket path.
   *
   * @param started the fake {@link #build} returned, started
   */
  protected abstract String propertyValue(A annotation, Fake started);

  /** Reads the common attributes of {@code annotation}, which must be of this kind's type. */
  final Common commonOf(Annotation annotation) {
    Common common = common(annotationType.cast(annotation));
    return common.name().isEmpty() ? new Common(defaultName, common.scope(), common.systemProperty()) : common;
  }

  /** Builds the fake of a declaration of this kind. */
  final Fake buildFrom(Declaration declaration, Settings settings) {
    return build(annotationType.cast(declaration.annotation()), declaration, settings);
  }

  /** What the declaration's system property is set to, once its fake started. */
  final String propertyValueOf(Declaration declaration, Fake started) {
    return propertyValue(annotationType.cast(declaration.annotation()), started);
  }

  /** The simple name of the annotation with its {@code @}, for messages. */
  final String annotationName() {
    return "@" + annotationType.getSimpleName();
  }

  /**
   * The attributes that every {@code @With…} annotation has.
   *
   * @param name the fake's name (empty: the kind's default)
   * @param scope how long the fake lives
   * @param systemProperty the system property to publish the address in (empty: none)
   */
  public record Common(String name, Scope scope, String systemProperty) {
    public Common {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(systemProperty, "systemProperty");
    }
  }
}
