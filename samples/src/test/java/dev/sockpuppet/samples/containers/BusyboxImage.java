package dev.sockpuppet.samples.containers;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * An image built from local files, never pulled: {@code FROM scratch} plus the static busybox of
 * Debian's {@code busybox-static} ({@code sh}, {@code logger}, {@code nc}, …), copied into the build
 * context when the test runs.
 */
final class BusyboxImage {
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private BusyboxImage() {}

  static ImageFromDockerfile image() {
    return new ImageFromDockerfile("sockpuppet-sample-busybox:local", false)
        .withFileFromPath("busybox", BUSYBOX)
        .withFileFromString("Dockerfile",
            "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
  }

  /** Skips the test without Docker or busybox, but fails it in CI ({@code CI=true}), which has both. */
  static void requireDocker() {
    String missing =
        !DockerClientFactory.instance().isDockerAvailable() ? "no Docker daemon answers"
            : !Files.isExecutable(BUSYBOX) ? BUSYBOX + " is missing (Debian's busybox-static)" : null;
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail(missing + "; .ci/run installs Docker and busybox-static and starts dockerd");
      }
      Assumptions.abort(missing);
    }
  }
}
