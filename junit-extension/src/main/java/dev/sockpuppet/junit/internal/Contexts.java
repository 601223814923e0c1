package dev.sockpuppet.junit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where the extension keeps things in JUnit's stores. Each context gets its own namespace (keyed by
 * its unique id), because a store lookup falls back to the parent context's store: with one
 * namespace, a test would mistake its class's fakes for its own.
 */
final class Contexts {
  private static final String FAKES = "fakes";

  private Contexts() {}

  /**
   * The configuration. Read afresh each time: it is three map lookups, and caching it in the root
   * store would need {@code getOrComputeIfAbsent}, which JUnit 6 deprecates while 5.14 lacks its
   * replacement.
   */
  static Settings settings(ExtensionContext context) {
    return Settings.read(context);
  }

  /**
   * The fakes {@code context} owns, created empty on first use. Callers for one context run on one
   * thread (JUnit calls a context's callbacks and resolvers in sequence), so get-then-put is safe.
   */
  static FakeSet ownSet(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(namespace(context));
    FakeSet set = store.get(FAKES, FakeSet.class);
    if (set == null) {
      set = new FakeSet();
      store.put(FAKES, set);
    }
    return set;
  }

  /** The fakes {@code context} owns, if it has any. */
  static Optional<FakeSet> existingSet(ExtensionContext context) {
    return Optional.ofNullable(context.getStore(namespace(context)).get(FAKES, FakeSet.class));
  }

  /** The fakes of {@code context} and of every context around it, innermost first. */
  static List<ManagedFake> visibleFakes(ExtensionContext context) {
    List<ManagedFake> visible = new ArrayList<>();
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      existingSet(c).ifPresent(set -> visible.addAll(set.fakes()));
    }
    return visible;
  }

  /** The class contexts from the outermost test class to the innermost {@code @Nested} one. */
  static List<ExtensionContext> classChain(ExtensionContext context) {
    List<ExtensionContext> chain = new ArrayList<>();
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (isClassContext(c)) {
        chain.add(c);
      }
    }
    Collections.reverse(chain);
    return chain;
  }

  /** A test class's context, as opposed to a test's, a test template's or the engine's. */
  static boolean isClassContext(ExtensionContext context) {
    return context.getTestClass().isPresent() && context.getTestMethod().isEmpty();
  }

  private static Namespace namespace(ExtensionContext context) {
    return Namespace.create(Contexts.class, context.getUniqueId());
  }
}
