package dev.sockpuppet.junit.internal;

import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * The fakes declared on each class and method, found once per engine run: annotations never
 * change, and looking for every kind's annotation, repeated and meta-annotated, on the class chain
 * and the method of every test was a visible share of a test's cost. Kept in the root context's
 * store, so it lives exactly as long as the run and holds no test class beyond it. Thread-safe.
 */
final class DeclarationCache {
  private static final Namespace NAMESPACE = Namespace.create(DeclarationCache.class);

  private final Map<AnnotatedElement, List<Declaration>> found = new ConcurrentHashMap<>();

  private DeclarationCache() {}

  /** {@link FakeKinds#declaredOn(AnnotatedElement)}, looked up once per run. */
  static List<Declaration> declaredOn(AnnotatedElement element, ExtensionContext context) {
    return of(context).found.computeIfAbsent(element, scanned -> List.copyOf(FakeKinds.declaredOn(scanned)));
  }

  private static DeclarationCache of(ExtensionContext context) {
    return Contexts.ofRun(context, NAMESPACE, DeclarationCache.class, DeclarationCache::new);
  }
}
