package dev.sockpuppet.junit.internal;

import java.util.List;

/** Reports several teardown problems as one throwable. */
final class Problems {
  private Problems() {}

  /**
   * Throws the first problem with the others suppressed in it. Only runtime exceptions and errors
   * reach here (that is what a fake's {@code stop()} throws), so nothing needs wrapping and the
   * test report shows the fake's own {@code AssertionFailedError}.
   */
  static void rethrow(List<Throwable> problems) {
    Throwable first = problems.get(0);
    for (Throwable other : problems.subList(1, problems.size())) {
      if (other != first) {
        first.addSuppressed(other);
      }
    }
    if (first instanceof Error error) {
      throw error;
    }
    throw (RuntimeException) first;
  }
}
