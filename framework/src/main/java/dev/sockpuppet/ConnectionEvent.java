package dev.sockpuppet;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened to a connection other than bytes crossing: it opened, one side shut
 * down its output, it closed, it was reset, bytes the fake tried to send did not leave, or (on
 * named pipes) the program opened or closed its end, or (on a process's standard streams) the
 * program exited.
 *
 * @param kind what happened
 * @param side who did it
 * @param at time since the recording began, on a monotonic clock
 * @param bytes for {@link Kind#UNDELIVERED}, how many bytes did not leave; 0 for other kinds
 * @param detail a human-readable detail such as the error text of a reset, or empty
 */
public record ConnectionEvent(Kind kind, Side side, Duration at, long bytes, String detail) {
  public ConnectionEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(detail, "detail");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
  }

  /** An event that counts no bytes. */
  public ConnectionEvent(Kind kind, Side side, Duration at, String detail) {
    this(kind, side, at, 0, detail);
  }

  /** What happened to the connection. */
  public enum Kind {
    /** The connection was opened (accepted, or connected). */
    OPENED,
    /** One side shut down its output (a half-close): for the peer, the fake read end-of-stream. */
    HALF_CLOSED,
    /** The connection was closed; the side says who closed it. */
    CLOSED,
    /** The connection was reset: the peer's reset surfaced as an error, or the fake sent RST. */
    RESET,
    /**
     * Bytes the fake tried to send did not leave: the write failed or stalled part-way. They are
     * not in {@link Connection#sent()}; {@link ConnectionEvent#bytes()} counts them.
     */
    UNDELIVERED,
    /**
     * The program opened its end of a named pipe (a {@code FifoPair}'s or a {@code Fifo}'s); the
     * detail names the pipe. A program may open, close and re-open a pipe as often as it likes.
     */
    PIPE_OPENED,
    /**
     * The program closed the pipe it writes: the fake read end-of-file. Unlike {@link
     * #HALF_CLOSED}, input may go on: the program can open the pipe again.
     */
    PIPE_CLOSED,
    /**
     * The process behind a {@code ProcessPipes} fake exited; the detail gives the exit code and
     * whether the fake's stop killed it. Recorded on the stdin/stdout connection, also after that
     * connection ended: the process may outlive its pipes.
     */
    PROCESS_EXITED
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
          case UNDELIVERED -> (bytes == 1 ? "1 byte" : bytes + " bytes") + " not delivered";
          case PIPE_OPENED -> who + " opened its end of the pipe";
          case PIPE_CLOSED -> who + " closed its end of the pipe (end-of-file)";
          case PROCESS_EXITED -> "the process exited";
        };
    return detail.isEmpty() ? what : what + " (" + detail + ")";
  }
}
