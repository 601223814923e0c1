package dev.sockpuppet.benchmarks;

import com.github.dockerjava.api.DockerClient;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.testcontainers.ContainerFake;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What a fake handed to a container costs: one container that runs busybox {@code logger} once,
 * created, started, run to its end and removed, alone and with a fake {@code /dev/log} ({@code
 * SyslogServer} mounted by {@code ContainerFake}) whose message it waits for. One shot per
 * invocation: a container's life is tens to hundreds of milliseconds. The container's end is
 * awaited with Docker's wait call ({@link ExitedStartupCheck}).
 *
 * <p>Needs a Docker daemon, {@code /bin/busybox} (Debian's busybox-static) and, where no registry
 * is reachable, {@code TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true} in the
 * environment (and {@code TESTCONTAINERS_HOST_OVERRIDE=localhost} on a machine with a {@code
 * /.dockerenv}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 20, batchSize = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ContainerBenchmark {
  private static final String[] LOGGER = {"logger", "-t", "bench", "started"};

  private ImageFromDockerfile image;

  @Setup
  public void buildImage() {
    image = new ImageFromDockerfile("sockpuppet-bench-busybox:local", false)
        .withFileFromPath("busybox", Path.of("/bin/busybox"))
        .withFileFromString("Dockerfile",
            "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
    // Build once here, not in the first measured invocation.
    try (GenericContainer<?> container = container()) {
      container.start();
    }
  }

  private GenericContainer<?> container() {
    return new GenericContainer<>(image)
        .withCommand(LOGGER)
        .withNetworkMode("none")
        .withStartupCheckStrategy(new ExitedStartupCheck());
  }

  /**
   * Waits for the container's exit with Docker's own wait call: Testcontainers' one-shot check
   * polls once a second, which would round every invocation up to a second and hide the fake.
   */
  static final class ExitedStartupCheck extends StartupCheckStrategy {
    @Override
    public boolean waitUntilStartupSuccessful(DockerClient docker, String containerId) {
      return docker.waitContainerCmd(containerId).start().awaitStatusCode(60, TimeUnit.SECONDS) == 0;
    }

    @Override
    public StartupStatus checkStartupState(DockerClient docker, String containerId) {
      return StartupStatus.SUCCESSFUL;
    }
  }

  /** Baseline: the container alone; its message goes nowhere (there is no /dev/log). */
  @Benchmark
  public void containerAlone() {
    try (GenericContainer<?> container = container()) {
      container.start();
    }
  }

  /** The same container with a fake /dev/log, until the fake has the message and everything is stopped. */
  @Benchmark
  public Object containerWithFakeDevLog() {
    SyslogServer syslog = SyslogServer.create();
    ContainerFake devLog = ContainerFake.of(syslog).at("/dev/log");
    try (GenericContainer<?> container = devLog.in(container())) {
      container.start();
      return syslog.awaitMessage();
    } finally {
      devLog.close();
    }
  }
}
