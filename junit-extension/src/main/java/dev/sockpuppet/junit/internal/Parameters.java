package dev.sockpuppet.junit.internal;

import dev.sockpuppet.FakeServer;
import dev.sockpuppet.junit.Fake;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * Injects declared fakes into parameters: by type, or by the name in {@code @Fake("name")}.
 *
 * <p>Candidates are the annotation-declared fakes of the context and of every context around it
 * (the test's own, its class's {@code PER_CLASS} ones, enclosing classes' ones). Field fakes are not
 * candidates: the test reaches them through its field.
 */
public final class Parameters {
  private Parameters() {}

  /** A parameter of a fake type, or one marked {@code @Fake} (so a wrong type gets a clear error). */
  public static boolean supports(ParameterContext parameterContext) {
    return FakeServer.class.isAssignableFrom(parameterContext.getParameter().getType())
        || parameterContext.isAnnotated(Fake.class);
  }

  /**
   * The fake for the parameter.
   *
   * @throws ParameterResolutionException when the type is not a fake, no fake fits, several do, or
   *     none has the asked-for name; the message lists the fakes available
   */
  public static FakeServer resolve(ParameterContext parameterContext, ExtensionContext context) {
    Parameter parameter = parameterContext.getParameter();
    Class<?> type = parameter.getType();
    // Parameter names need javac -parameters, so the message names the index, which always exists.
    String which = "parameter " + parameterContext.getIndex() + " (" + type.getSimpleName()
        + (parameter.isNamePresent() ? " " + parameter.getName() : "") + ") of "
        + parameterContext.getDeclaringExecutable().getName() + "(…)";
    if (!FakeServer.class.isAssignableFrom(type)) {
      throw new ParameterResolutionException(
          which + " is annotated with @Fake but " + type.getName()
              + " is not a fake; declare it as TcpServer, UnixSocketServer, StreamServer or FakeServer");
    }
    // Constructor parameters can be resolved before beforeAll/beforeEach ran; start fakes now then.
    Lifecycle.startDeclared(context);
    List<ManagedFake> available = Contexts.visibleFakes(context).stream().filter(ManagedFake::injectable).toList();
    Optional<String> name =
        parameterContext.findAnnotation(Fake.class).map(Fake::value).filter(v -> !v.isEmpty());
    List<ManagedFake> fitting = available.stream().filter(f -> type.isInstance(f.server())).toList();
    if (name.isPresent()) {
      List<ManagedFake> named = available.stream().filter(f -> f.name().equals(name.get())).toList();
      List<ManagedFake> both = named.stream().filter(f -> type.isInstance(f.server())).toList();
      if (both.size() == 1) {
        return both.get(0).server();
      }
      if (named.isEmpty()) {
        throw new ParameterResolutionException(
            which + " asks for the fake named '" + name.get() + "', but there is none; available: " + list(available));
      }
      throw new ParameterResolutionException(
          which + " asks for the fake named '" + name.get() + "', but it is a "
              + named.get(0).server().getClass().getSimpleName() + ", not a " + type.getSimpleName()
              + "; available: " + list(available));
    }
    if (fitting.size() == 1) {
      return fitting.get(0).server();
    }
    if (fitting.isEmpty()) {
      throw new ParameterResolutionException(
          which + " wants a " + type.getSimpleName() + ", but no such fake is declared for this test; available: "
              + list(available) + ". Declare one with an annotation such as @WithTcpServer or @WithUnixSocketServer "
              + "on the test method or class");
    }
    throw new ParameterResolutionException(
        which + " is ambiguous: " + fitting.size() + " fakes are " + type.getSimpleName() + "s: " + list(fitting)
            + "; choose one with @Fake(\"name\")");
  }

  private static String list(List<ManagedFake> fakes) {
    if (fakes.isEmpty()) {
      return "none";
    }
    return fakes.stream().map(ManagedFake::describe).collect(Collectors.joining(", "));
  }
}
