package dev.sockpuppet.internal.script;

import dev.sockpuppet.Bytes;

/**
 * One expect step's test of the bytes that arrived and were not consumed yet. Called again each
 * time more bytes arrive, so it must be cheap on a growing input, and it decides as early as it
 * can: a byte that differs fails at once rather than after the step's timeout.
 */
public interface Expectation {
  /**
   * @param unread what arrived and earlier steps did not consume
   * @param ended whether the program ended its output, so nothing more will arrive
   */
  Outcome test(Bytes unread, boolean ended);

  /**
   * The expectation for one attempt of its step on one connection, called for each read until it
   * decides; the unread bytes it is shown only grow meanwhile. An expectation whose test would
   * otherwise look at all the unread bytes again on every read (exact bytes, a line) returns an
   * object that remembers how far it has looked, so a long input that arrives in many pieces costs
   * time in proportion to its size, not to its size times the pieces. The default, for
   * expectations that need no memory, is the expectation itself.
   */
  default Expectation attempt() {
    return this;
  }

  /** What came closest to matching in {@code unread} when the step timed out, or null. */
  default String nearestMiss(Bytes unread) {
    return null;
  }
}
