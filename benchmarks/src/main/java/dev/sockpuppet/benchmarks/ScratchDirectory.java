package dev.sockpuppet.benchmarks;

import dev.sockpuppet.internal.UnixSocketPaths;
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
 * into the benchmarks that need one; beside the fakes' own socket directories, so that paths fit
 * {@code sun_path} and a bind costs what it costs the fakes.
 */
@State(Scope.Benchmark)
public class ScratchDirectory {
  private Path path;

  @Setup(Level.Trial)
  public void create() throws IOException {
    // Where the fakes put their sockets (/dev/shm on Linux), so that a baseline binds on the same
    // file system as the fake it is compared with.
    path = UnixSocketPaths.createPrivateDirectory();
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  Path path() {
    return path;
  }
}
