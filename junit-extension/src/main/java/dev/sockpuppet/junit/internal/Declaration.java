package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.Scope;
import java.lang.annotation.Annotation;
import java.util.Optional;

/**
 * One fake declared by an annotation found on a test class or method (directly, repeated, or
 * through a user's meta-annotation): what it is, what it is called, how long it lives.
 *
 * @param kind the kind that builds it
 * @param annotation the annotation, of {@code kind}'s type
 * @param name the fake's name (the kind's default when the annotation gives none)
 * @param scope how long it lives
 * @param systemProperty the property to publish its address in, if any
 * @param origin e.g. {@code @WithTcpServer 'api' on class FooTest}, for messages
 */
public record Declaration(
    FakeKind<?> kind, Annotation annotation, String name, Scope scope, Optional<String> systemProperty, String origin) {

  /** Builds the fake, configured but not started. */
  Fake build(Settings settings) {
    return kind.buildFrom(this, settings);
  }
}
