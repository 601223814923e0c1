package dev.sockpuppet.testcontainers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.output.OutputFrame.OutputType;

/** What is kept of a container's output; no Docker needed, frames are handed to the log consumer. */
class ContainerOutputTest {

  private static void write(GenericContainer<?> container, OutputType type, String text) {
    container.getLogConsumers().forEach(consumer -> consumer.accept(new OutputFrame(type, text.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void smallOutputIsKeptWholeWithEachLineMarked() {
    GenericContainer<?> container = new GenericContainer<>("none:local");
    ContainerOutput output = ContainerOutput.attach(container);
    write(container, OutputType.STDOUT, "hello\n");
    write(container, OutputType.STDERR, "oops");
    write(container, OutputType.END, "");

    assertEquals("out| hello\nerr| oops\n", output.text());
  }

  @Test
  void aFloodKeepsItsBeginningAndItsEndAndSaysHowMuchWasLeftOut() {
    GenericContainer<?> container = new GenericContainer<>("none:local");
    ContainerOutput output = ContainerOutput.attach(container);
    write(container, OutputType.STDOUT, "first line\n");
    String line = "x".repeat(1000) + "\n"; // 1,006 characters with the marker
    int lines = 20_000;                    // about 20 MB in all, far beyond the limits
    for (int i = 0; i < lines; i++) {
      write(container, OutputType.STDOUT, line);
    }
    write(container, OutputType.STDERR, "the last word\n");

    String text = output.text();
    long total = "out| first line\n".length() + (long) lines * ("out| " + line).length() + "err| the last word\n".length();
    long kept = ContainerOutput.HEAD_LIMIT + ContainerOutput.TAIL_LIMIT;
    assertTrue(text.startsWith("out| first line\nout| xxx"), text.substring(0, 40));
    assertTrue(text.endsWith("err| the last word\n"), text.substring(text.length() - 40));
    assertTrue(text.contains("\n... " + (total - kept) + " characters of output left out ...\n"),
        "no marker with " + (total - kept) + " left out");
    assertTrue(text.length() < kept + 100, text.length() + " characters kept");
  }
}
