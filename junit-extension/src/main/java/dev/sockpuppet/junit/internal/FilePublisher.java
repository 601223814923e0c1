package dev.sockpuppet.junit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Publishes a file as a test report attachment ({@code ExtensionContext.publishFile}, JUnit 5.14+
 * with {@code org.junit.jupiter.api.MediaType}). Kept in a class of its own so that on an older
 * JUnit only calling it fails (with a {@link LinkageError} the caller catches), not loading the
 * extension.
 */
final class FilePublisher {
  private FilePublisher() {}

  static void publish(ExtensionContext context, String name, Path source) {
    // A rerun without "clean" finds the previous run's attachment in the same output directory;
    // the newest transcript replaces it.
    context.publishFile(
        name, MediaType.TEXT_PLAIN_UTF_8, target -> Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING));
  }
}
