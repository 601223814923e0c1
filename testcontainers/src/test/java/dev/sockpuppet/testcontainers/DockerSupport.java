package dev.sockpuppet.testcontainers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What the Docker tests share: the check that a daemon answers (skip locally, fail in CI, like
 * {@code ExternalTools.require}), the image they run, and the leak check.
 *
 * <p>The image is built from local files only, never pulled: {@code FROM scratch}, the static
 * busybox of Debian's {@code busybox-static} (sh, logger, nc for TCP, id) and OpenBSD's {@code nc}
 * with its shared libraries as {@code ldd} lists them, for the Unix-socket client busybox lacks.
 * The files are copied into the build context when the tests run; no binary is in the repository.
 */
final class DockerSupport {
  static final String IMAGE = "sockpuppet-test-tools:local";
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final Path NC = Path.of("/usr/bin/nc.openbsd");
  /** Labels every container Testcontainers makes in this JVM. */
  private static final Map<String, String> SESSION =
      Map.of(DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL, DockerClientFactory.SESSION_ID);

  private DockerSupport() {}

  /** Skips (locally) or fails (in CI) unless a Docker daemon answers and the image's files exist. */
  static void requireDocker() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      skipOrFail("no Docker daemon answers; .ci/run installs docker.io and starts dockerd");
    }
    if (!Files.isExecutable(BUSYBOX) || !Files.isExecutable(NC)) {
      skipOrFail(BUSYBOX + " (busybox-static) or " + NC + " (netcat-openbsd) is missing; .ci/run installs them");
    }
  }

  private static void skipOrFail(String reason) {
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.abort(reason);
  }

  /** The test image, built on first use from the files above (Docker caches the layers). */
  static ImageFromDockerfile image() {
    ImageFromDockerfile image = new ImageFromDockerfile(IMAGE, false).withFileFromPath("busybox", BUSYBOX);
    StringBuilder dockerfile =
        new StringBuilder("FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
    image.withFileFromPath("nc.openbsd", NC);
    dockerfile.append("COPY nc.openbsd /usr/bin/nc.openbsd\n");
    int i = 0;
    for (Path library : sharedLibraries(NC)) {
      String name = "lib" + i++;
      image.withFileFromPath(name, library);
      dockerfile.append("COPY ").append(name).append(' ').append(library).append('\n');
    }
    return image.withFileFromString("Dockerfile", dockerfile.toString());
  }

  /** The shared libraries {@code ldd} says {@code binary} loads, the loader included. */
  private static List<Path> sharedLibraries(Path binary) {
    try {
      Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
      String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ldd.waitFor(20, TimeUnit.SECONDS)) {
        ldd.destroyForcibly();
        throw new IllegalStateException("ldd " + binary + " did not finish in 20 s");
      }
      List<Path> libraries = new ArrayList<>();
      Matcher m = Pattern.compile("(/\\S+) \\(0x").matcher(out);
      while (m.find()) {
        libraries.add(Path.of(m.group(1)));
      }
      return libraries;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run ldd " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Ids of this JVM's containers that still exist, running or not. */
  static List<String> leftContainers() {
    List<String> ids = new ArrayList<>();
    DockerClientFactory.lazyClient().listContainersCmd().withShowAll(true).withLabelFilter(SESSION).exec()
        .forEach(c -> ids.add(c.getId()));
    return ids;
  }
}
