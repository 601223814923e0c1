package dev.sockpuppet.testcontainers.internal;

import dev.sockpuppet.testcontainers.ContainerFake;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link dev.sockpuppet.testcontainers.ContainerLogsOnFailure}: after a
 * failed test (or class), adds the kept container output of every {@link ContainerFake} field to
 * the failure as a suppressed {@link ContainerLogs}.
 */
public final class ContainerLogsExtension implements AfterEachCallback, AfterAllCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    context.getExecutionException().ifPresent(failure -> {
      Set<ContainerFake> fakes = new LinkedHashSet<>();
      for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
        fakes.addAll(fields(instance.getClass(), instance));
      }
      fakes.addAll(fields(context.getRequiredTestClass(), null));
      attach(failure, fakes);
    });
  }

  @Override
  public void afterAll(ExtensionContext context) {
    context.getExecutionException().ifPresent(failure -> attach(failure, fields(context.getRequiredTestClass(), null)));
  }

  private static void attach(Throwable failure, Iterable<ContainerFake> fakes) {
    for (ContainerFake fake : fakes) {
      String logs = fake.containerLogs();
      if (!logs.isEmpty()) {
        failure.addSuppressed(new ContainerLogs(fake.fake().name(), logs));
      }
    }
  }

  /** The {@link ContainerFake}s in the static fields ({@code instance} null) or instance fields. */
  private static List<ContainerFake> fields(Class<?> type, Object instance) {
    List<ContainerFake> found = new ArrayList<>();
    List<Field> fields =
        ReflectionSupport.findFields(
            type,
            field -> ContainerFake.class.isAssignableFrom(field.getType())
                && Modifier.isStatic(field.getModifiers()) == (instance == null),
            HierarchyTraversalMode.TOP_DOWN);
    for (Field field : fields) {
      Object value = ReflectionSupport.tryToReadFieldValue(field, instance).toOptional().orElse(null);
      if (value instanceof ContainerFake fake) {
        found.add(fake);
      }
    }
    return found;
  }
}
