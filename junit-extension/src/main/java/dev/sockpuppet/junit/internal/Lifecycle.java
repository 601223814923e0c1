package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.ManagedFake;
import dev.sockpuppet.junit.Scope;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/** Starts fakes when a class or test begins: from annotations, and from {@code @ManagedFake} fields. */
public final class Lifecycle {
  private Lifecycle() {}

  /**
   * Before {@code @BeforeAll}: the class's {@code PER_CLASS} fakes, its static {@code @ManagedFake} fields,
   * and under {@code Lifecycle.PER_CLASS} its instance {@code @ManagedFake} fields.
   */
  public static void beforeAll(ExtensionContext classContext) {
    startDeclared(classContext);
    FakeSet set = Contexts.ownSet(classContext);
    Class<?> testClass = classContext.getRequiredTestClass();
    startStaticFields(testClass, set, classContext);
    if (classContext.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS) {
      Optional<Object> instance = classContext.getTestInstance();
      if (instance.isPresent()) {
        startInstanceFields(instance.get(), set, classContext);
      }
    }
  }

  /**
   * Before {@code @BeforeEach}: the test's {@code PER_TEST} fakes (declared on the method, its class
   * and enclosing classes) and the instance {@code @ManagedFake} fields of the test instance and its
   * enclosing instances that no class context manages.
   */
  public static void beforeEach(ExtensionContext testContext) {
    startDeclared(testContext);
    FakeSet set = Contexts.ownSet(testContext);
    for (Object instance : testContext.getRequiredTestInstances().getAllInstances()) {
      startInstanceFields(instance, set, testContext);
    }
  }

  /**
   * Starts the fakes that annotations declare for {@code context}, once; later calls do nothing.
   * Parameter resolution calls this too, because JUnit resolves constructor parameters before the
   * before-callbacks run.
   */
  static void startDeclared(ExtensionContext context) {
    FakeSet set = Contexts.ownSet(context);
    if (!set.claimDeclarations()) {
      return;
    }
    List<Declaration> declarations = declarationsFor(context);
    checkUnique(declarations, Contexts.visibleFakes(context), context);
    Settings settings = Contexts.settings(context);
    for (Declaration declaration : declarations) {
      Fake fake = declaration.build(settings);
      try {
        fake.start();
      } catch (UnsupportedOperationException e) {
        // Named pipes on a machine without mkfifo: the test cannot run here, which is no failure.
        throw new TestAbortedException(declaration.origin() + " cannot run on this machine: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new ExtensionConfigurationException(declaration.origin() + " could not start: " + e.getMessage(), e);
      }
      set.add(new TrackedFake(declaration.name(), fake, declaration.origin(), true));
      declaration.systemProperty()
          .ifPresent(key -> set.setProperty(key, declaration.kind().propertyValueOf(declaration, fake)));
    }
  }

  private static List<Declaration> declarationsFor(ExtensionContext context) {
    List<Declaration> result = new ArrayList<>();
    if (Contexts.isClassContext(context)) {
      // A class template's invocations share the class's PER_CLASS fakes, like its @BeforeAll.
      if (Contexts.startsClass(context)) {
        for (Declaration declaration : DeclarationCache.declaredOn(context.getRequiredTestClass(), context)) {
          if (declaration.scope() == Scope.PER_CLASS) {
            result.add(declaration);
          }
        }
      }
      return result;
    }
    Optional<Method> method = context.getTestMethod();
    if (method.isEmpty()) {
      return result;
    }
    // A per-test annotation on an enclosing class applies to every test inside it, nested ones too.
    for (ExtensionContext classContext : Contexts.classChain(context)) {
      for (Declaration declaration : DeclarationCache.declaredOn(classContext.getRequiredTestClass(), context)) {
        if (declaration.scope() == Scope.PER_TEST) {
          result.add(declaration);
        }
      }
    }
    for (Declaration declaration : DeclarationCache.declaredOn(method.get(), context)) {
      if (declaration.scope() == Scope.PER_CLASS) {
        throw new ExtensionConfigurationException(
            declaration.origin() + " has scope = PER_CLASS, which only an annotation on a class can have; "
                + "move it to the class or remove the scope");
      }
      result.add(declaration);
    }
    return result;
  }

  private static void checkUnique(List<Declaration> declarations, List<TrackedFake> visible, ExtensionContext context) {
    Map<String, String> names = new HashMap<>();
    Map<String, String> properties = new HashMap<>();
    for (TrackedFake fake : visible) {
      if (fake.injectable()) {
        names.put(fake.name(), fake.origin());
      }
    }
    for (Declaration declaration : declarations) {
      String other = names.putIfAbsent(declaration.name(), declaration.origin());
      if (other != null) {
        throw new ExtensionConfigurationException(
            "two fakes of " + context.getDisplayName() + " are named '" + declaration.name() + "': " + other + " and "
                + declaration.origin() + "; give each a distinct name = \"…\"");
      }
      if (declaration.systemProperty().isPresent()) {
        String key = declaration.systemProperty().get();
        String before = properties.putIfAbsent(key, declaration.origin());
        if (before != null) {
          throw new ExtensionConfigurationException(
              "two fakes set the system property " + key + ": " + before + " and " + declaration.origin()
                  + "; a property holds one address, so give each fake its own property");
        }
      }
    }
  }

  /**
   * The static {@code @ManagedFake} fields of {@code testClass} and its superclasses. Their fakes are
   * shared by every class that uses them ({@link SharedFakes}): the first starts, the last stops.
   */
  private static void startStaticFields(Class<?> testClass, FakeSet set, ExtensionContext context) {
    for (Field field : fakeFields(testClass, true)) {
      String where = where(field);
      Fake fake = read(field, null, where);
      if (set.holds(fake)) {
        continue; // two fields hold one fake
      }
      SharedFakes.Lease lease;
      try {
        lease = SharedFakes.of(context).acquire(fake);
      } catch (RuntimeException e) {
        throw new ExtensionConfigurationException(
            where + " holds " + describe(fake) + ", which could not start: " + e.getMessage(), e);
      }
      set.addShared(new TrackedFake(name(field), fake, where, false), lease);
    }
  }

  /** The instance {@code @ManagedFake} fields of {@code instance}, unless an outer context manages their fakes. */
  private static void startInstanceFields(Object instance, FakeSet set, ExtensionContext context) {
    for (Field field : fakeFields(instance.getClass(), false)) {
      String where = where(field);
      Fake fake = read(field, instance, where);
      if (set.holds(fake) || Contexts.visibleFakes(context).stream().anyMatch(f -> f.fake() == fake)) {
        continue; // an outer context manages it (a PER_CLASS instance's field), or two fields hold one fake
      }
      try {
        fake.start();
      } catch (RuntimeException e) {
        throw new ExtensionConfigurationException(
            where + " holds " + describe(fake) + ", which could not start: " + e.getMessage(), e);
      }
      set.add(new TrackedFake(name(field), fake, where, false));
    }
  }

  private static List<Field> fakeFields(Class<?> type, boolean statics) {
    return AnnotationSupport.findAnnotatedFields(
        type, ManagedFake.class, field -> ModifierSupport.isStatic(field) == statics);
  }

  private static Fake read(Field field, Object instance, String where) {
    if (!Fake.class.isAssignableFrom(field.getType())) {
      throw new ExtensionConfigurationException(
          where + " is annotated with @ManagedFake but its type " + field.getType().getName()
              + " is not a fake; declare it as " + FakeKinds.typeNames());
    }
    Object value =
        ReflectionSupport.tryToReadFieldValue(field, instance)
            .getOrThrow(e -> new ExtensionConfigurationException("could not read " + where + ": " + e, e));
    if (value == null) {
      throw new ExtensionConfigurationException(
          where + " is annotated with @ManagedFake but is null; initialize it with the fake to manage, "
              + "e.g. = TcpServer.create(), where it is declared");
    }
    return (Fake) value;
  }

  private static String where(Field field) {
    return "field " + field.getDeclaringClass().getName() + "." + field.getName();
  }

  /** The name given in {@code @ManagedFake("…")}, else the field's. */
  private static String name(Field field) {
    return AnnotationSupport.findAnnotation(field, ManagedFake.class)
        .map(ManagedFake::value)
        .filter(v -> !v.isEmpty())
        .orElse(field.getName());
  }

  /** E.g. {@code TcpServer 'shared'}. */
  private static String describe(Fake fake) {
    return fake.getClass().getSimpleName() + " '" + fake.name() + "'";
  }
}
