package dev.sockpuppet.internal.engine;

import org.opentest4j.AssertionFailedError;

/**
 * A script step that failed: what the test sees, with the step, the near miss and a dump of what
 * arrived. The player has reported it as a problem of the fake already.
 */
final class ScriptFailure extends AssertionFailedError {
  private static final long serialVersionUID = 1L;

  ScriptFailure(String message, Object expected, Object actual) {
    super(message, expected, actual);
  }
}
