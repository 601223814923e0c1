package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.ManagedFake;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * Injects declared fakes into parameters of any fake type ({@link Fake} or a subtype): by type, or
 * by the name in {@code @ManagedFake("name")}.
 *
 * <p>Candidates are the annotation-declared fakes of the context and of every context around it
 * (the test's own, its class's {@code PER_CLASS} ones, enclosing classes' ones). Field fakes are not
 * candidates: the test reaches them through its field.
 */
public final class Parameters {
  private Parameters() {}

  /** A parameter of a fake type, or one marked {@code @ManagedFake} (so a wrong type gets a clear error). */
  public static boolean supports(ParameterContext parameterContext) {
    return Fake.class.isAssignableFrom(parameterContext.getParameter().getType())
        || parameterContext.isAnnotated(ManagedFake.class);
  }

  /**
   * The fake for the parameter.
   *
   * @throws ParameterResolutionException when the type is not a fake, no fake fits, several do, or
   *     none has the asked-for name; the message lists the fakes available
   */
  public static Fake resolve(ParameterContext parameterContext, ExtensionContext context) {
    Parameter parameter = parameterContext.getParameter();
    Class<?> type = parameter.getType();
    // Parameter names need javac -parameters, so the message names the index, which always exists.
    String which = "parameter " + parameterContext.getIndex() + " (" + type.getSimpleName()
        + (parameter.isNamePresent() ? " " + parameter.getName() : "") + ") of "
        + executable(parameterContext.getDeclaringExecutable());
    if (!Fake.class.isAssignableFrom(type)) {
      throw new ParameterResolutionException(
          which + " is annotated with @ManagedFake but " + type.getName() + " is not a fake; declare it as "
              + FakeKinds.typeNames());
    }
    // Constructor parameters are resolved before beforeAll/beforeEach ran; start fakes now then.
    Lifecycle.startDeclared(context);
    List<TrackedFake> available = Contexts.visibleFakes(context).stream().filter(TrackedFake::injectable).toList();
    Optional<String> name =
        parameterContext.findAnnotation(ManagedFake.class)
            .map(ManagedFake::value)
            .filter(v -> !v.isEmpty());
    List<TrackedFake> fitting = available.stream().filter(f -> type.isInstance(f.fake())).toList();
    if (name.isPresent()) {
      List<TrackedFake> named = available.stream().filter(f -> f.name().equals(name.get())).toList();
      List<TrackedFake> both = named.stream().filter(f -> type.isInstance(f.fake())).toList();
      if (both.size() == 1) {
        return both.get(0).fake();
      }
      if (named.isEmpty()) {
        throw new ParameterResolutionException(
            which + " asks for the fake named '" + name.get() + "', but there is none; available: " + list(available)
                + classLevelHint(context));
      }
      throw new ParameterResolutionException(
          which + " asks for the fake named '" + name.get() + "', but it is a "
              + named.get(0).fake().getClass().getSimpleName() + ", not a " + type.getSimpleName()
              + "; available: " + list(available));
    }
    if (fitting.size() == 1) {
      return fitting.get(0).fake();
    }
    if (fitting.isEmpty()) {
      String hint = classLevelHint(context);
      throw new ParameterResolutionException(
          which + " wants a " + type.getSimpleName() + ", but no such fake is declared for this "
              + (hint.isEmpty() ? "test" : "class") + "; available: " + list(available)
              + (hint.isEmpty()
                  ? ". Declare one with " + FakeKinds.annotationsFor(type) + " on the test method or class"
                  : hint));
    }
    throw new ParameterResolutionException(
        which + " is ambiguous: " + fitting.size() + " fakes are " + type.getSimpleName() + "s: " + list(fitting)
            + "; choose one with @ManagedFake(\"name\")");
  }

  /**
   * For code that runs once per class, which sees only the class's fakes: a note saying so, since
   * a per-test fake that the test methods see is what the user most likely expected. Empty for a
   * test.
   */
  private static String classLevelHint(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return "";
    }
    return ". Code that runs once for the class (@BeforeAll and @AfterAll methods, a constructor under "
        + "@TestInstance(Lifecycle.PER_CLASS)) sees only fakes declared with scope = PER_CLASS: declare the fake "
        + "with that scope, or take it as a parameter of the test method";
  }

  /** {@code pings(…)}, {@code constructor ClientTest(…)} or {@code constructor ClientTest$Inner(…)}. */
  private static String executable(Executable executable) {
    if (executable instanceof Constructor<?> constructor) {
      // From the binary name: getSimpleName() needs the enclosing class, which may be unreachable.
      String name = constructor.getDeclaringClass().getName();
      return "constructor " + name.substring(name.lastIndexOf('.') + 1) + "(…)";
    }
    return executable.getName() + "(…)";
  }

  private static String list(List<TrackedFake> fakes) {
    if (fakes.isEmpty()) {
      return "none";
    }
    return fakes.stream().map(TrackedFake::describe).collect(Collectors.joining(", "));
  }
}
