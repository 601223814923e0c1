package dev.sockpuppet;

/**
 * Which way bytes crossed, seen from the fake: {@link #RECEIVED} came from the program under test,
 * {@link #SENT} went to it.
 */
public enum Direction {
  /** From the program under test to the fake. */
  RECEIVED("<-", "received"),
  /** From the fake to the program under test. */
  SENT("->", "sent");

  private final String arrow;
  private final String verb;

  Direction(String arrow, String verb) {
    this.arrow = arrow;
    this.verb = verb;
  }

  /** {@code "<-"} for received, {@code "->"} for sent, as transcripts draw them. */
  public String arrow() {
    return arrow;
  }

  /** {@code "received"} or {@code "sent"}, for messages. */
  public String verb() {
    return verb;
  }
}
