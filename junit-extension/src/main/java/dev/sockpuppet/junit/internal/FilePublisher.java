package dev.sockpuppet.junit.internal;

import java.nio.charset.StandardCharsets;
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
        name, mediaType(name), target -> Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING));
  }

  /** A transcript is text; a capture is pcapng; JSON Lines are UTF-8 JSON, one object a line. */
  private static MediaType mediaType(String name) {
    if (name.endsWith(".pcapng")) {
      return MediaType.create("application", "x-pcapng");
    }
    if (name.endsWith(".jsonl")) {
      return MediaType.create("application", "jsonl", StandardCharsets.UTF_8);
    }
    return MediaType.TEXT_PLAIN_UTF_8;
  }
}
