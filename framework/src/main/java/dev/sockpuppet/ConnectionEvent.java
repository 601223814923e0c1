package dev.sockpuppet;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened to a connection other than bytes crossing: it opened, one side shut
 * down its output, it closed, or it was reset.
 *
 * @param kind what happened
 * @param side who did it
 * @param at time since the server started, on a monotonic clock
 * @param detail a human-readable detail such as the error text of a reset, or empty
 */
public record ConnectionEvent(Kind kind, Side side, Duration at, String detail) {
  public ConnectionEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(detail, "detail");
  }

  /** What happened to the connection. */
  public enum Kind {
    /** The connection was accepted. */
    OPENED,
    /** One side shut down its output (a half-close): for the peer, the fake read end-of-stream. */
    HALF_CLOSED,
    /** The fake closed the connection. */
    CLOSED,
    /** The connection was reset: the peer's reset surfaced as an error, or the fake sent RST. */
    RESET
  }

  /** Who caused an event. */
  public enum Side {
    /** The program under test, at the other end of the connection. */
    PEER,
    /** Sockpuppet's fake. */
    FAKE
  }

  @Override
  public String toString() {
    String who = side == Side.PEER ? "peer" : "fake";
    String what =
        switch (kind) {
          case OPENED -> "opened";
          case HALF_CLOSED -> who + " shut down its output";
          case CLOSED -> "closed by " + who;
          case RESET -> "reset by " + who;
        };
    return detail.isEmpty() ? what : what + " (" + detail + ")";
  }
}
