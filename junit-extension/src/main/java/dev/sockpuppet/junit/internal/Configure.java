package dev.sockpuppet.junit.internal;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Applies annotation attributes to a fake, turning the framework's complaints into configuration errors. */
final class Configure {
  private Configure() {}

  /**
   * Runs one {@code with…} call; an {@link IllegalArgumentException} (the framework's "this value is
   * wrong" signal) becomes an {@link ExtensionConfigurationException} naming the attribute.
   */
  static void attribute(String origin, String attribute, Runnable with) {
    try {
      with.run();
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(origin + " has an invalid " + attribute + ": " + e.getMessage(), e);
    }
  }

  /** The annotation's timeout, else the configured default, else none (the framework default). */
  static Optional<Duration> timeout(String origin, String text, Settings settings) {
    if (text.isBlank()) {
      return settings.defaultTimeout();
    }
    try {
      return Optional.of(DurationText.parse(text, "the timeout of " + origin));
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(e.getMessage(), e);
    }
  }
}
