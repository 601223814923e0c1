package dev.sockpuppet.junit.internal;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Which evidence directories may hold files of an earlier failure, for a passing test to delete
 * (a transcript that says a test failed, left from a run in which it did, would mislead). A class
 * directory that did not exist when first looked at holds nothing stale, and stays so until this
 * JVM writes evidence into it: so a passing test costs one look per class and JVM, instead of three
 * deletions per fake. Thread-safe.
 */
final class StaleEvidence {
  /** Directories known to hold nothing written before or since; guarded by this. */
  private final Set<Path> clean = new HashSet<>();

  /** Whether {@code classDirectory} may hold files to delete. */
  boolean mayHold(Path classDirectory) {
    synchronized (this) {
      if (clean.contains(classDirectory)) {
        return false;
      }
      // Looked at under the lock, so that evidence written meanwhile (writing() waits for it) is
      // never hidden by a look that began before it.
      if (Files.exists(classDirectory, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      clean.add(classDirectory);
      return false;
    }
  }

  /** This JVM is about to write evidence into {@code classDirectory}. */
  synchronized void writing(Path classDirectory) {
    clean.remove(classDirectory);
  }
}
