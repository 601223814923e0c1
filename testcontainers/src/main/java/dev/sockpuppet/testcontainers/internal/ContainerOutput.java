package dev.sockpuppet.testcontainers.internal;

import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Everything one container wrote to its stdout and stderr, kept after the container is gone, so a
 * failed test can show it whichever ran first: the test's teardown or Testcontainers' stop (which
 * removes the container and its logs). Nothing is cut: a test container's output is small, and a
 * log cut short hides the line that explains the failure.
 */
public final class ContainerOutput {
  private final GenericContainer<?> container;
  private final StringBuilder text = new StringBuilder();
  private String id;

  private ContainerOutput(GenericContainer<?> container) {
    this.container = container;
  }

  /** Starts keeping {@code container}'s output from its next start on. */
  public static ContainerOutput attach(GenericContainer<?> container) {
    ContainerOutput output = new ContainerOutput(container);
    Consumer<OutputFrame> consumer = output::append;
    container.withLogConsumer(consumer);
    return output;
  }

  private void append(OutputFrame frame) {
    if (frame.getType() == OutputFrame.OutputType.END) {
      return;
    }
    String line = frame.getUtf8String();
    synchronized (this) {
      if (id == null) {
        id = container.getContainerId();
      }
      text.append(frame.getType() == OutputFrame.OutputType.STDERR ? "err| " : "out| ").append(line);
      if (!line.endsWith("\n")) {
        text.append('\n');
      }
    }
  }

  /** The container that writes here. */
  public GenericContainer<?> container() {
    return container;
  }

  /** "image (id)" as far as it is known. */
  public synchronized String label() {
    String shortId = id == null ? "never started" : id.substring(0, Math.min(12, id.length()));
    return container.getDockerImageName() + " (" + shortId + ")";
  }

  /** The output so far, each line marked {@code out|} or {@code err|}. */
  public synchronized String text() {
    return text.toString();
  }
}
