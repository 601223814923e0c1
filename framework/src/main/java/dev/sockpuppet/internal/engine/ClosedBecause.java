package dev.sockpuppet.internal.engine;

import java.nio.channels.ClosedChannelException;

/**
 * A {@link ClosedChannelException} that says why the connection could not be used: the JDK's carry
 * no message, and the recording's {@code UNDELIVERED} events take theirs from it.
 */
class ClosedBecause extends ClosedChannelException {
  private static final long serialVersionUID = 1L;
  private final String message;

  ClosedBecause(String message) {
    this.message = message;
  }

  @Override
  public String getMessage() {
    return message;
  }
}
