package dev.sockpuppet.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a class whose tests only make sense when {@link TestKit} runs them, because the outer
 * test asserts their outcome (several fail on purpose). Run any other way (an IDE's "run all"),
 * they are skipped.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("fixture")
@ExtendWith(Fixture.OnlyInTestKit.class)
@interface Fixture {
  /** Enables fixtures only when the configuration parameter that {@link TestKit} sets is there. */
  final class OnlyInTestKit implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(TestKit.ENABLE).isPresent()
          ? ConditionEvaluationResult.enabled("run by TestKit")
          : ConditionEvaluationResult.disabled("a fixture: runs only through TestKit");
    }
  }
}
