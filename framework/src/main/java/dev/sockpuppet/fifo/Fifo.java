package dev.sockpuppet.fifo;

import java.nio.file.Path;

/**
 * One named pipe, for a program that only writes to one ({@link #programWrites()}: the fake
 * records it) or only reads from one ({@link #programReads()}: the fake sends into it).
 *
 * <pre>{@code
 * try (Fifo events = Fifo.programWrites().start()) {
 *   app.writeEventsTo(events.path());
 *   events.awaitReceivedLine("started");
 * }
 * }</pre>
 *
 * <p>A pipe the program writes has no way back: {@link #send} fails. A pipe the program reads
 * records only what the fake sent, and when the program closes it is not visible. See {@link
 * NamedPipeFake} for the rest.
 */
public final class Fifo extends NamedPipeFake<Fifo> {
  private final boolean programReads;

  private Fifo(boolean programReads) {
    super("Fifo", programReads ? "fifo-in" : "fifo-out");
    this.programReads = programReads;
  }

  /** A pipe the program reads and the fake writes (e.g. a command pipe). */
  public static Fifo programReads() {
    return new Fifo(true);
  }

  /** A pipe the program writes and the fake records (e.g. an event or log pipe). */
  public static Fifo programWrites() {
    return new Fifo(false);
  }

  /** Whether the program reads this pipe (rather than writes it). */
  public boolean isReadByProgram() {
    return programReads;
  }

  /** The pipe; give it to the program. */
  public Path path() {
    Pipes pipes = pipes("path");
    return programReads ? pipes.toProgram : pipes.fromProgram;
  }

  @Override
  String toProgramName() {
    return programReads ? "pipe" : null;
  }

  @Override
  String fromProgramName() {
    return programReads ? null : "pipe";
  }

  @Override
  Fifo self() {
    return this;
  }

  @Override
  public String toString() {
    return description() + (programReads ? " (read by the program)" : " (written by the program)")
        + (isRunning() ? " at " + path() : "");
  }
}
