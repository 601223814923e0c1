package dev.sockpuppet.junit.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The registry of fake kinds: every {@code @With…} annotation the extension understands. Adding a
 * kind is one more entry in {@link #ALL}.
 */
public final class FakeKinds {
  /** Every kind, in the order their fakes are started. Immutable. */
  static final List<FakeKind<?>> ALL = List.of(new UnixSocketServerKind(), new TcpServerKind());

  private FakeKinds() {}

  /**
   * The fakes declared on a class or method: directly, repeated, inherited from a superclass, or
   * through meta-annotations, in kind order and then in declaration order.
   */
  static List<Declaration> declaredOn(AnnotatedElement element) {
    List<Declaration> found = new ArrayList<>();
    for (FakeKind<?> kind : ALL) {
      for (Annotation annotation : AnnotationSupport.findRepeatableAnnotations(element, kind.annotationType())) {
        FakeKind.Common common = kind.commonOf(annotation);
        String origin = kind.annotationName() + " '" + common.name() + "' on " + describe(element);
        found.add(
            new Declaration(
                kind,
                annotation,
                common.name(),
                common.scope(),
                common.systemProperty().isEmpty() ? Optional.empty() : Optional.of(common.systemProperty()),
                origin));
      }
    }
    return found;
  }

  /** {@code class FooTest} or {@code method FooTest.bar()}, for messages. */
  static String describe(AnnotatedElement element) {
    if (element instanceof Class<?> type) {
      return "class " + type.getName();
    }
    if (element instanceof Method method) {
      return "method " + method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }
    return element.toString();
  }
}
