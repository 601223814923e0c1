package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The registry of fake kinds: every {@code @With…} annotation the extension understands.
 *
 * <p><b>Adding a kind</b> (say {@code @WithFifoPair} for a {@code FifoPair}) takes three steps,
 * and nothing else in the extension changes:
 *
 * <ol>
 *   <li>The annotation, in {@code dev.sockpuppet.junit}: copy {@link dev.sockpuppet.junit.WithTcpServer}
 *       for its meta-annotations ({@code @Repeatable} with a nested {@code List}, {@code @Inherited},
 *       {@code @ExtendWith(SockpuppetExtension.class)}, {@code @ResourceLock(providers =
 *       SystemPropertyLocks.class)}, {@code ANNOTATION_TYPE} in {@code @Target}) and for the
 *       attributes every kind has: {@code name}, {@code scope}, {@code systemProperty}; then add the
 *       kind's own attributes.
 *   <li>One {@link FakeKind} subclass in this package: its constructor names the annotation, the
 *       class of the fake ({@code FifoPair.class}, any {@link Fake}) and the default name; {@code
 *       common} reads the three common attributes, {@code build} turns the annotation into a
 *       configured, unstarted fake (use {@link Configure} so that bad values fail naming the
 *       attribute), and {@code propertyValue} says what the system property holds once it runs.
 *   <li>One entry in {@link #ALL}.
 * </ol>
 *
 * Lifecycle and scopes, parameter injection by type and name (including the supertypes such as
 * {@code FakeServer} and {@code Fake}), system properties and their locks, transcripts, and the
 * messages that list what is available then work for the new kind unchanged.
 */
public final class FakeKinds {
  /** Every kind, in the order their fakes are started. Immutable. */
  static final List<FakeKind<?>> ALL =
      List.of(
          new UnixSocketServerKind(), new TcpServerKind(), new UdpServerKind(), new UnixDatagramServerKind(),
          new SyslogServerKind(), new FifoPairKind());

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

  /**
   * The types a fake can be declared as, for messages: the kinds' own classes, then the supertypes
   * they share, most specific first, e.g. {@code TcpServer, UnixSocketServer, StreamServer,
   * FakeServer or Fake}.
   */
  static String typeNames() {
    Set<Class<?>> supertypes = new LinkedHashSet<>();
    List<Class<?>> own = ALL.stream().<Class<?>>map(FakeKind::fakeType).sorted(Comparator.comparing(Class::getSimpleName)).toList();
    for (Class<?> type : own) {
      collectFakeSupertypes(type, supertypes);
    }
    own.forEach(supertypes::remove);
    List<Class<?>> shared =
        supertypes.stream()
            .sorted(Comparator.<Class<?>>comparingInt(FakeKinds::fakeDepth).reversed().thenComparing(Class::getSimpleName))
            .toList();
    List<String> names = new ArrayList<>();
    own.forEach(t -> names.add(t.getSimpleName()));
    shared.forEach(t -> names.add(t.getSimpleName()));
    return or(names);
  }

  /**
   * The annotations that declare a fake {@code wanted} can receive, e.g. {@code @WithTcpServer} for
   * a {@code TcpServer}, {@code @WithTcpServer or @WithUnixSocketServer} for a {@code FakeServer}.
   */
  static String annotationsFor(Class<?> wanted) {
    List<String> names =
        ALL.stream()
            .filter(kind -> wanted.isAssignableFrom(kind.fakeType()))
            .map(FakeKind::annotationName)
            .sorted()
            .toList();
    return names.isEmpty() ? "an annotation such as " + or(ALL.stream().map(FakeKind::annotationName).sorted().toList()) : or(names);
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

  private static void collectFakeSupertypes(Class<?> type, Set<Class<?>> into) {
    if (type == null || !Fake.class.isAssignableFrom(type) || !into.add(type)) {
      return;
    }
    collectFakeSupertypes(type.getSuperclass(), into);
    for (Class<?> implemented : type.getInterfaces()) {
      collectFakeSupertypes(implemented, into);
    }
  }

  /** How many fake types {@code type} extends: 0 for {@code Fake}, 1 for {@code FakeServer}, … */
  private static int fakeDepth(Class<?> type) {
    Set<Class<?>> all = new LinkedHashSet<>();
    collectFakeSupertypes(type, all);
    return all.size() - 1;
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  private static String or(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return items.subList(0, items.size() - 1).stream().collect(Collectors.joining(", "))
        + " or " + items.get(items.size() - 1);
  }
}
