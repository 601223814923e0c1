package dev.sockpuppet.junit.internal;

import dev.sockpuppet.FakeServer;
import dev.sockpuppet.junit.Fake;
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

/** Starts fakes when a class or test begins: from annotations, and from {@code @Fake} fields. */
public final class Lifecycle {
  private Lifecycle() {}

  /**
   * Before {@code @BeforeAll}: the class's {@code PER_CLASS} fakes, its static {@code @Fake} fields,
   * and under {@code Lifecycle.PER_CLASS} its instance {@code @Fake} fields.
   */
  public static void beforeAll(ExtensionContext classContext) {
    startDeclared(classContext);
    FakeSet set = Contexts.ownSet(classContext);
    Class<?> testClass = classContext.getRequiredTestClass();
    startFields(testClass, null, true, set, classContext);
    if (classContext.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS) {
      Optional<Object> instance = classContext.getTestInstance();
      if (instance.isPresent()) {
        startFields(instance.get().getClass(), instance.get(), false, set, classContext);
      }
    }
  }

  /**
   * Before {@code @BeforeEach}: the test's {@code PER_TEST} fakes (declared on the method, its class
   * and enclosing classes) and the instance {@code @Fake} fields of the test instance and its
   * enclosing instances that no class context manages.
   */
  public static void beforeEach(ExtensionContext testContext) {
    startDeclared(testContext);
    FakeSet set = Contexts.ownSet(testContext);
    for (Object instance : testContext.getRequiredTestInstances().getAllInstances()) {
      startFields(instance.getClass(), instance, false, set, testContext);
    }
  }

  /**
   * Starts the fakes that annotations declare for {@code context}, once; later calls do nothing.
   * Parameter resolution calls this too, because JUnit may resolve constructor parameters before
   * the before-callbacks run.
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
      FakeServer server = declaration.build(settings);
      try {
        server.start();
      } catch (RuntimeException e) {
        throw new ExtensionConfigurationException(declaration.origin() + " could not start: " + e.getMessage(), e);
      }
      set.add(new ManagedFake(declaration.name(), server, declaration.origin(), true));
      declaration.systemProperty()
          .ifPresent(key -> set.setProperty(key, declaration.kind().propertyValueOf(declaration, server)));
    }
  }

  private static List<Declaration> declarationsFor(ExtensionContext context) {
    List<Declaration> result = new ArrayList<>();
    if (Contexts.isClassContext(context)) {
      for (Declaration declaration : FakeKinds.declaredOn(context.getRequiredTestClass())) {
        if (declaration.scope() == Scope.PER_CLASS) {
          result.add(declaration);
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
      for (Declaration declaration : FakeKinds.declaredOn(classContext.getRequiredTestClass())) {
        if (declaration.scope() == Scope.PER_TEST) {
          result.add(declaration);
        }
      }
    }
    for (Declaration declaration : FakeKinds.declaredOn(method.get())) {
      if (declaration.scope() == Scope.PER_CLASS) {
        throw new ExtensionConfigurationException(
            declaration.origin() + " has scope = PER_CLASS, which only an annotation on a class can have; "
                + "move it to the class or remove the scope");
      }
      result.add(declaration);
    }
    return result;
  }

  private static void checkUnique(List<Declaration> declarations, List<ManagedFake> visible, ExtensionContext context) {
    Map<String, String> names = new HashMap<>();
    Map<String, String> properties = new HashMap<>();
    for (ManagedFake fake : visible) {
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

  private static void startFields(Class<?> type, Object instance, boolean statics, FakeSet set, ExtensionContext context) {
    List<Field> fields =
        AnnotationSupport.findAnnotatedFields(type, Fake.class, field -> ModifierSupport.isStatic(field) == statics);
    for (Field field : fields) {
      String where = "field " + field.getDeclaringClass().getName() + "." + field.getName();
      if (!FakeServer.class.isAssignableFrom(field.getType())) {
        throw new ExtensionConfigurationException(
            where + " is annotated with @Fake but its type " + field.getType().getName()
                + " is not a fake; declare it as a TcpServer, UnixSocketServer or another FakeServer");
      }
      Object value =
          ReflectionSupport.tryToReadFieldValue(field, instance)
              .getOrThrow(e -> new ExtensionConfigurationException("could not read " + where + ": " + e, e));
      if (value == null) {
        throw new ExtensionConfigurationException(
            where + " is annotated with @Fake but is null; initialize it with the fake to manage, "
                + "e.g. = TcpServer.create(), where it is declared");
      }
      FakeServer server = (FakeServer) value;
      if (Contexts.visibleFakes(context).stream().anyMatch(f -> f.server() == server) || set.owns(server)) {
        continue; // an outer context manages it (a static field, or a PER_CLASS instance)
      }
      try {
        server.start();
      } catch (RuntimeException e) {
        throw new ExtensionConfigurationException(
            where + " holds " + server.name() + ", which could not start: " + e.getMessage()
                + (server.isRunning() ? "" : ". A stopped fake cannot start again: create it where the field is "
                    + "declared so each test instance gets a fresh one, or make the field static to share one"),
            e);
      }
      String name =
          AnnotationSupport.findAnnotation(field, Fake.class).map(Fake::value).filter(v -> !v.isEmpty()).orElse(field.getName());
      set.add(new ManagedFake(name, server, where, false));
    }
  }
}
