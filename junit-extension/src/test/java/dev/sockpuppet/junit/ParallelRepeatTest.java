package dev.sockpuppet.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.junit.TestKit.Mode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Every fixture again, under JUnit's parallel execution in concurrent mode, several times: the
 * outcomes must be exactly the same as when run one test at a time. Isolated, because it ends by
 * checking that no Sockpuppet thread is left, which tests running alongside would make false.
 */
@Isolated("checks that no Sockpuppet thread is left, and sets system properties")
class ParallelRepeatTest {
  @RepeatedTest(5)
  void everyFixtureGivesTheSameOutcomeUnderParallelExecution() throws IOException, ReflectiveOperationException {
    InjectionTest.checkByType(Mode.PARALLEL);
    InjectionTest.checkByName(Mode.PARALLEL);
    InjectionTest.checkMetaAnnotation(Mode.PARALLEL);
    InjectionTest.checkRootType(Mode.PARALLEL);
    InjectionTest.checkConstructorInjection(Mode.PARALLEL);
    FieldTest.checkPerMethodLifecycle(Mode.PARALLEL);
    FieldTest.checkPerClassLifecycle(Mode.PARALLEL);
    FieldTest.checkMisconfiguration(Mode.PARALLEL);
    FieldTest.checkSharedBaseClass(Mode.PARALLEL);
    FieldTest.checkSharedUnderParallel();
    FieldTest.checkRerun(Mode.PARALLEL);
    ParameterizedClassTest.checkPerMethodLifecycle(Mode.PARALLEL);
    ParameterizedClassTest.checkPerClassLifecycle(Mode.PARALLEL);
    HandlerTest.checkHandlers(Mode.PARALLEL);
    HandlerTest.checkMisuse(Mode.PARALLEL);
    SystemPropertyTest.checkProperties(Mode.PARALLEL);
    TranscriptTest.checkOnFailure(Mode.PARALLEL);
    TranscriptTest.checkParameterizedClass(Mode.PARALLEL);
    ConfigurationTest.checkTimeouts(Mode.PARALLEL);
    DatagramKindsTest.checkInjection(Mode.PARALLEL);
    DatagramKindsTest.checkProperties(Mode.PARALLEL);
    DatagramKindsTest.checkEvidence(Mode.PARALLEL);
    DatagramKindsTest.checkFields(Mode.PARALLEL);
    FaultAttributeTest.checkFaults(Mode.PARALLEL);
    PacketFaultAttributeTest.checkFaults(Mode.PARALLEL);
    // Every fake was stopped, and stopping joins its threads: none may be left. Two threads are
    // shared: the I/O watchdog ends at its next tick once no connection is left to watch, and the
    // accepting thread lingers a moment after the last fake, for the next test's.
    assertEquals(List.of(), sockpuppetThreads().stream().filter(name -> !name.equals(WATCHDOG) && !name.equals(ACCEPTOR)).toList());
    Awaitility.await("the I/O watchdog to end").atMost(Duration.ofSeconds(5)).pollInSameThread()
        .until(() -> !sockpuppetThreads().contains(WATCHDOG));
  }

  private static final String WATCHDOG = "sockpuppet-io-watchdog";
  private static final String ACCEPTOR = "sockpuppet-acceptor";

  private static List<String> sockpuppetThreads() {
    // Virtual connection threads (Java 21+) are in the library's registry only.
    return Stream.concat(Thread.getAllStackTraces().keySet().stream(), Threads.live().stream())
        .distinct()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("sockpuppet-"))
        .toList();
  }
}
