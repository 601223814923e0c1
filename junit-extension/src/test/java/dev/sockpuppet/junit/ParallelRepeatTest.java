package dev.sockpuppet.junit;

import dev.sockpuppet.junit.TestKit.Mode;
import java.io.IOException;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Every fixture again, under JUnit's parallel execution in concurrent mode, several times: the
 * outcomes must be exactly the same as when run one test at a time.
 */
class ParallelRepeatTest {
  @RepeatedTest(5)
  void everyFixtureGivesTheSameOutcomeUnderParallelExecution() throws IOException {
    InjectionTest.checkByType(Mode.PARALLEL);
    InjectionTest.checkByName(Mode.PARALLEL);
    InjectionTest.checkMetaAnnotation(Mode.PARALLEL);
    FieldTest.checkPerMethodLifecycle(Mode.PARALLEL);
    FieldTest.checkPerClassLifecycle(Mode.PARALLEL);
    FieldTest.checkMisconfiguration(Mode.PARALLEL);
    SystemPropertyTest.checkProperties(Mode.PARALLEL);
    TranscriptTest.checkOnFailure(Mode.PARALLEL);
    ConfigurationTest.checkTimeouts(Mode.PARALLEL);
  }
}
