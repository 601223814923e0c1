package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real clients users have ({@code nc}, {@code socat}, {@code curl}) with a bound. A tool
 * that is missing skips the test locally but fails it in CI ({@code CI=true}), where {@code
 * .ci/run} installs every tool the tests use. Public for the tests of other packages (HTTP's real
 * clients); it is test code, not API.
 */
public final class ExternalTools {
  private static final long BOUND_SECONDS = 20;

  private ExternalTools() {}

  /** Skips (locally) or fails (in CI) unless {@code tool} is on the PATH. */
  public static void require(String tool) {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        found = true;
        break;
      }
    }
    if (!found) {
      String reason = tool + " is not installed; .ci/run installs it (apt-get)";
      if ("true".equals(System.getenv("CI"))) {
        fail(reason);
      }
      Assumptions.abort(reason);
    }
  }

  /** The outcome of a finished command. */
  public record Result(int exitCode, String stdout, String stderr, long pid) {}

  /** Runs {@code command} with {@code stdin} as its input and waits for it, bounded. */
  public static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
    require(command.get(0));
    Path out = Files.createTempFile("sockpuppet-tool-", ".out");
    Path err = Files.createTempFile("sockpuppet-tool-", ".err");
    try {
      Process process =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      boolean finished = process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor(BOUND_SECONDS, TimeUnit.SECONDS);
      }
      assertTrue(finished, String.join(" ", command) + " did not finish within " + BOUND_SECONDS + " s");
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err), process.pid());
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
