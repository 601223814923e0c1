package dev.sockpuppet.junit.internal;

import java.nio.file.Path;

/**
 * A fake's transcript attached to a test failure as a suppressed exception, so it shows in the
 * failure output of every runner and IDE. It carries no stack trace: the message is the evidence.
 */
public final class FakeTranscript extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FakeTranscript(String fakeName, String transcript, Path file) {
    super(
        "transcript of fake '" + fakeName + "'" + (file == null ? "" : " (also in " + file + ")") + ":\n" + transcript,
        null,
        false,
        false);
  }
}
