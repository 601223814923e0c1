package dev.sockpuppet.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A short directory for the raw baselines' Unix socket files, made once per trial. JMH injects it
 * into the benchmarks that need one; under {@code /tmp} so that paths fit {@code sun_path}.
 */
@State(Scope.Benchmark)
public class ScratchDirectory {
  private Path path;

  @Setup(Level.Trial)
  public void create() throws IOException {
    path = Files.createTempDirectory(Path.of("/tmp"), "sp-bench-");
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  Path path() {
    return path;
  }
}
