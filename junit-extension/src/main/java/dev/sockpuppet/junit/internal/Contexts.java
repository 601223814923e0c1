package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where the extension keeps things in JUnit's stores, and how it reads the tree of contexts. Each
 * context gets its own namespace (keyed by its unique id), because a store lookup falls back to the
 * parent context's store: with one namespace, a test would mistake its class's fakes for its own.
 *
 * <p>One test class may have two class contexts: a {@code @ParameterizedClass} (a class template)
 * has one for the class and one below it for each invocation. JUnit runs the class's {@code
 * beforeAll}/{@code afterAll} callbacks in the outer one, once for all invocations, so that one
 * owns the class's {@code PER_CLASS} fakes; for everything else the class counts once.
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

  /**
   * The one {@code type} of the engine run {@code context} belongs to, kept in the root context's
   * store under {@code namespace} and made by {@code create} on first use.
   */
  static <T> T ofRun(ExtensionContext context, ExtensionContext.Namespace namespace, Class<T> type, Supplier<T> create) {
    ExtensionContext root = context.getRoot();
    ExtensionContext.Store store = root.getStore(namespace);
    // Classes running in parallel may get here at the same time, and JUnit 5.14 has no atomic
    // computeIfAbsent on a store (JUnit 6 deprecates the getOrComputeIfAbsent it has instead).
    // The root context is one object per engine run, exactly the scope of its store, so it serves
    // as the lock for creating the value once.
    synchronized (root) {
      T value = store.get(type, type);
      if (value == null) {
        value = create.get();
        store.put(type, value);
      }
      return value;
    }
  }

  /** The fakes {@code context} owns, if it has any. */
  static Optional<FakeSet> existingSet(ExtensionContext context) {
    return Optional.ofNullable(context.getStore(namespace(context)).get(FAKES, FakeSet.class));
  }

  /**
   * The fakes of {@code context} and of every context around it, innermost first, each once (a
   * shared static fake is held by every class context that uses it).
   */
  static List<TrackedFake> visibleFakes(ExtensionContext context) {
    Map<Fake, TrackedFake> visible = new IdentityHashMap<>();
    List<TrackedFake> ordered = new ArrayList<>();
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      for (TrackedFake fake : existingSet(c).map(FakeSet::fakes).orElse(List.of())) {
        if (visible.putIfAbsent(fake.fake(), fake) == null) {
          ordered.add(fake);
        }
      }
    }
    return ordered;
  }

  /**
   * The class contexts from the outermost test class to the innermost {@code @Nested} one, one per
   * test class: of a class template's two contexts, the inner (the invocation's) one.
   */
  static List<ExtensionContext> classChain(ExtensionContext context) {
    List<ExtensionContext> chain = new ArrayList<>();
    Class<?> previous = null;
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (isClassContext(c) && c.getRequiredTestClass() != previous) {
        chain.add(c);
        previous = c.getRequiredTestClass();
      }
    }
    Collections.reverse(chain);
    return chain;
  }

  /** A test class's context, as opposed to a test's, a test template's or the engine's. */
  static boolean isClassContext(ExtensionContext context) {
    return context.getTestClass().isPresent() && context.getTestMethod().isEmpty();
  }

  /**
   * The context in which JUnit starts a test class ({@code beforeAll}): a class context that is
   * not the invocation of a class template (whose parent is a class context of the same class).
   */
  static boolean startsClass(ExtensionContext context) {
    return isClassContext(context) && !isClassTemplateInvocation(context);
  }

  /** An invocation of a class template, such as one set of arguments of a {@code @ParameterizedClass}. */
  static boolean isClassTemplateInvocation(ExtensionContext context) {
    return isClassContext(context)
        && context.getParent()
            .filter(Contexts::isClassContext)
            .filter(parent -> parent.getRequiredTestClass() == context.getRequiredTestClass())
            .isPresent();
  }

  private static Namespace namespace(ExtensionContext context) {
    return Namespace.create(Contexts.class, context.getUniqueId());
  }
}
