package dev.sockpuppet.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * What went wrong on a fake's side in one run: a handler or responder threw, a line matched no
 * rule, a write stalled, a connection could not be set up, a thread would not stop. The fake's
 * threads add; {@code verify()} reports. Thread-safe.
 */
public final class Problems {
  private final List<Problem> problems = new ArrayList<>();
  /** What the fake still waits for (unfinished scripts), asked at each verify. */
  private final List<Supplier<List<String>>> pending = new ArrayList<>();

  /** Adds a problem; {@code cause} may be null when the description says it all. */
  public synchronized void add(String description, Throwable cause) {
    problems.add(new Problem(description, cause));
  }

  /**
   * Adds a source of problems that are such only as long as they last: {@code unfinished} lists
   * what the fake still expected when {@link #verify} runs (a script step that never happened).
   */
  public synchronized void pending(Supplier<List<String>> unfinished) {
    pending.add(unfinished);
  }

  /** The problems so far, then what is still pending. */
  public List<Problem> all() {
    List<Problem> all;
    List<Supplier<List<String>>> sources;
    synchronized (this) {
      all = new ArrayList<>(problems);
      sources = List.copyOf(pending);
    }
    for (Supplier<List<String>> source : sources) {
      for (String unfinished : source.get()) {
        all.add(new Problem(unfinished, null));
      }
    }
    return all;
  }

  /**
   * Fails if there is any problem.
   *
   * @param fake the fake's description, e.g. {@code TcpServer 'api'}
   * @throws AssertionFailedError listing every problem, with the first cause as its cause and the
   *     other causes suppressed
   */
  public void verify(String fake) {
    List<Problem> all = all();
    if (all.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(fake).append(" had ")
        .append(all.size()).append(all.size() == 1 ? " problem:" : " problems:");
    for (int i = 0; i < all.size(); i++) {
      Problem problem = all.get(i);
      message.append("\n  ").append(i + 1).append(". ").append(problem.description());
      if (problem.cause() != null) {
        message.append(": ").append(problem.cause());
      }
    }
    Throwable first = all.stream().map(Problem::cause).filter(Objects::nonNull).findFirst().orElse(null);
    AssertionFailedError error = new AssertionFailedError(message.toString(), first);
    all.stream().map(Problem::cause).filter(c -> c != null && c != first).forEach(error::addSuppressed);
    throw error;
  }

  /** One problem: what went wrong in words, and the throwable behind it if there was one. */
  public record Problem(String description, Throwable cause) {}
}
