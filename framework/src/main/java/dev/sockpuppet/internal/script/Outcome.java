package dev.sockpuppet.internal.script;

import java.util.Map;

/**
 * What an {@link Expectation} made of the unread bytes: matched (and how many bytes it takes),
 * not yet decidable (wait for more), or a mismatch that no further byte can mend.
 *
 * @param consumed bytes the match takes, or -1 when it did not match
 * @param mismatch why it can never match, or null
 * @param differsAt offset in the unread bytes where they first differ from what was expected, or -1
 * @param nearestMiss what came closest, for the failure message (the line that almost matched), or null
 * @param captures the groups of a regex match, by number and by name; empty otherwise
 */
public record Outcome(long consumed, String mismatch, long differsAt, String nearestMiss, Map<String, String> captures) {
  private static final Outcome WAITING = new Outcome(-1, null, -1, null, Map.of());

  public static Outcome matched(long consumed) {
    return new Outcome(consumed, null, -1, null, Map.of());
  }

  public static Outcome matched(long consumed, Map<String, String> captures) {
    return new Outcome(consumed, null, -1, null, Map.copyOf(captures));
  }

  /** Not decided yet: more bytes (or the end of the input) will tell. */
  public static Outcome waiting() {
    return WAITING;
  }

  public static Outcome mismatch(String why, long differsAt, String nearestMiss) {
    return new Outcome(-1, why, differsAt, nearestMiss, Map.of());
  }

  public boolean isMatch() {
    return consumed >= 0;
  }

  public boolean isMismatch() {
    return mismatch != null;
  }
}
