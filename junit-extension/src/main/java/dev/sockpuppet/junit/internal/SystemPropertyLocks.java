package dev.sockpuppet.junit.internal;

import dev.sockpuppet.junit.Scope;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.jupiter.api.parallel.Resources;

/**
 * Keeps tests that publish a fake's address in the same system property from running at the same
 * time under parallel execution: system properties are global, so two such tests would overwrite
 * each other's value and restore the wrong one.
 *
 * <p>Every {@code @With…} annotation names this provider in a {@code @ResourceLock}. For each
 * property a test sets, it takes the lock {@code dev.sockpuppet.system-property:<key>} exclusively,
 * plus {@link Resources#SYSTEM_PROPERTIES} for reading, so it also waits for tests that declare
 * they replace all system properties. Tests setting other properties still run in parallel.
 * A {@code PER_CLASS} fake holds its lock for the whole class, a {@code PER_TEST} one per test.
 */
public final class SystemPropertyLocks implements ResourceLocksProvider {
  static final String PREFIX = "dev.sockpuppet.system-property:";

  /** JUnit instantiates providers reflectively. */
  public SystemPropertyLocks() {}

  @Override
  public Set<Lock> provideForClass(Class<?> testClass) {
    return locks(List.of(testClass), Scope.PER_CLASS);
  }

  @Override
  public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
    return locks(List.of(testClass), Scope.PER_CLASS);
  }

  @Override
  public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
    // Per-test annotations on enclosing classes apply to this method too (see Lifecycle).
    List<AnnotatedElement> elements = new ArrayList<>(enclosingInstanceTypes);
    elements.add(testClass);
    elements.add(testMethod);
    return locks(elements, Scope.PER_TEST);
  }

  private static Set<Lock> locks(List<? extends AnnotatedElement> elements, Scope scope) {
    Set<Lock> locks = new HashSet<>();
    for (AnnotatedElement element : elements) {
      for (Declaration declaration : FakeKinds.declaredOn(element)) {
        if (declaration.scope() == scope && declaration.systemProperty().isPresent()) {
          locks.add(new Lock(PREFIX + declaration.systemProperty().get(), ResourceAccessMode.READ_WRITE));
          locks.add(new Lock(Resources.SYSTEM_PROPERTIES, ResourceAccessMode.READ));
        }
      }
    }
    return locks;
  }
}
