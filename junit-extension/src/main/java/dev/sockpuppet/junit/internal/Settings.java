package dev.sockpuppet.junit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension's configuration parameters ({@code junit-platform.properties}, {@code -D}, or the
 * launcher).
 *
 * @param defaultTimeout {@value #TIMEOUT}: the timeout of annotation-declared fakes that set none
 * @param transcripts {@value #WRITE}: {@code on-failure} (default), {@code always} or {@code never}
 * @param directory {@value #DIRECTORY}: where transcript files go (default {@code target/sockpuppet})
 */
public record Settings(Optional<Duration> defaultTimeout, TranscriptMode transcripts, Path directory) {
  static final String TIMEOUT = "sockpuppet.timeout.default";
  static final String WRITE = "sockpuppet.transcripts.write";
  static final String DIRECTORY = "sockpuppet.transcripts.dir";

  /**
   * Reads the parameters.
   *
   * @throws ExtensionConfigurationException naming the parameter whose value is invalid
   */
  static Settings read(ExtensionContext context) {
    Optional<Duration> timeout =
        context.getConfigurationParameter(TIMEOUT).filter(s -> !s.isBlank()).map(s -> parse(TIMEOUT, () -> DurationText.parse(s, "the value")));
    TranscriptMode mode =
        context.getConfigurationParameter(WRITE).filter(s -> !s.isBlank())
            .map(s -> parse(WRITE, () -> TranscriptMode.parse(s)))
            .orElse(TranscriptMode.ON_FAILURE);
    Path directory =
        context.getConfigurationParameter(DIRECTORY).filter(s -> !s.isBlank())
            .map(s -> parse(DIRECTORY, () -> Path.of(s)))
            .orElse(Path.of("target", "sockpuppet"));
    return new Settings(timeout, mode, directory);
  }

  private static <T> T parse(String parameter, Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) { // InvalidPathException is one too
      throw new ExtensionConfigurationException(
          "the configuration parameter " + parameter + " is invalid: " + e.getMessage(), e);
    }
  }
}
