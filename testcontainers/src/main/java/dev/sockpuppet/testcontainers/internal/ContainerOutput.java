package dev.sockpuppet.testcontainers.internal;

import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Everything one container wrote to its stdout and stderr, kept after the container is gone, so a
 * failed test can show it whichever ran first: the test's teardown or Testcontainers' stop (which
 * removes the container and its logs).
 *
 * <p>Bounded: a program that writes without end must not exhaust the test's heap. The first {@link
 * #HEAD_LIMIT} characters are kept (how it started) and the last {@link #TAIL_LIMIT} (how it ended,
 * where the line that explains a failure usually is), with a marker saying how much was left out
 * between them.
 */
public final class ContainerOutput {
  /** Characters kept from the beginning of the output. */
  public static final int HEAD_LIMIT = 64 * 1024;
  /** Characters kept from the end of the output. */
  public static final int TAIL_LIMIT = 1024 * 1024;

  private final GenericContainer<?> container;
  private final StringBuilder head = new StringBuilder();
  /** Grows to twice its limit before the oldest part is cut, so cutting costs O(1) per character. */
  private final StringBuilder tail = new StringBuilder();
  private long leftOut;
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
      String marked = (frame.getType() == OutputFrame.OutputType.STDERR ? "err| " : "out| ") + line
          + (line.endsWith("\n") ? "" : "\n");
      int toHead = Math.min(marked.length(), HEAD_LIMIT - head.length());
      if (toHead > 0 && tail.length() == 0 && leftOut == 0) {
        head.append(marked, 0, toHead);
        marked = marked.substring(toHead);
      }
      tail.append(marked);
      if (tail.length() > 2 * TAIL_LIMIT) {
        int cut = tail.length() - TAIL_LIMIT;
        leftOut += cut;
        tail.delete(0, cut);
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

  /**
   * The output so far, each line marked {@code out|} or {@code err|}; past {@link #HEAD_LIMIT} +
   * {@link #TAIL_LIMIT} characters, the middle is replaced by a line saying how much was left out.
   */
  public synchronized String text() {
    int tailCut = tail.length() > TAIL_LIMIT ? tail.length() - TAIL_LIMIT : 0;
    long omitted = leftOut + tailCut;
    if (omitted == 0) {
      return head.toString() + tail;
    }
    return head + "\n... " + omitted + " characters of output left out ...\n" + tail.substring(tailCut);
  }
}
