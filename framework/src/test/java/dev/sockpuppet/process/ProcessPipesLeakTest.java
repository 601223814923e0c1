package dev.sockpuppet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.internal.UnixSocketPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Starts and stops processes many times and checks that descriptors, Sockpuppet's threads, child
 * processes and the named pipes' files are back where they started. Isolated, because other tests
 * running alongside would move the counts.
 */
@Isolated("counts the JVM's file descriptors, threads and child processes")
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
class ProcessPipesLeakTest {
  private static final int WARM_UP = 10;
  private static final int CYCLES = 100;
  /** Descriptors the JVM may open on its own meanwhile; a leak per cycle shows as hundreds. */
  private static final int JVM_NOISE = 10;

  @Test
  void processesThatExitOnEndOfFileLeaveNothingBehind() throws IOException {
    ExternalTools.require("cat");
    assertNoLeaks(() -> {
      ProcessPipes cat = ProcessPipes.create("cat").withName("leak-cat").start();
      cat.sendLine("ping").awaitReceivedLine("ping");
      return cat;
    });
  }

  @Test
  void processesKilledAtTheStopLeaveNothingBehind() throws IOException {
    ExternalTools.require("sleep");
    assertNoLeaks(() -> ProcessPipes.create("sleep", "1000").withName("leak-sleep").withStopGracePeriod(Duration.ZERO)
        .start());
  }

  private static void assertNoLeaks(Supplier<ProcessPipes> started) throws IOException {
    for (int i = 0; i < WARM_UP; i++) {
      started.get().close();
    }
    Snapshot before = Snapshot.take();
    for (int i = 0; i < CYCLES; i++) {
      started.get().close();
    }
    Snapshot after = Snapshot.take();
    assertEquals(before.threads, after.threads, "live Sockpuppet threads");
    assertEquals(before.children, after.children, "child processes of the JVM");
    assertEquals(before.files, after.files, "files in Sockpuppet's directory");
    assertTrue(after.fileDescriptors <= before.fileDescriptors + JVM_NOISE,
        "open file descriptors: " + before.fileDescriptors + " before, " + after.fileDescriptors + " after " + CYCLES
            + " processes");
  }

  private record Snapshot(long fileDescriptors, List<String> threads, Set<Long> children, Set<String> files) {
    /** Taken once the shared I/O watchdog ended, which it does at its first tick without pipes to watch. */
    static Snapshot take() throws IOException {
      Awaitility.await("the I/O watchdog to end").atMost(Duration.ofSeconds(10))
          .until(() -> liveThreads().stream().noneMatch(name -> name.equals("sockpuppet-io-watchdog")));
      Set<Long> children = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
      Set<String> files;
      try (Stream<Path> entries = Files.list(UnixSocketPaths.processDirectory())) {
        files = entries.map(Path::toString).collect(Collectors.toSet());
      }
      long descriptors;
      try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
        descriptors = entries.count();
      }
      return new Snapshot(descriptors, liveThreads(), children, files);
    }

    private static List<String> liveThreads() {
      return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(name -> name.startsWith("sockpuppet-"))
          .filter(name -> !name.equals("sockpuppet-acceptor")) // shared by every fake, lingers by design
          .sorted().toList();
    }
  }
}
