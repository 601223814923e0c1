package dev.sockpuppet.fifo;

import java.nio.file.Path;

/**
 * Two named pipes for a program that takes commands on one and answers on the other: the fake
 * writes {@link #toProgram()}, which the program reads, and records {@link #fromProgram()}, which
 * the program writes.
 *
 * <pre>{@code
 * try (FifoPair pair = FifoPair.create().withName("control").start()) {
 *   Process program = new ProcessBuilder("my-daemon", "--commands", pair.toProgram().toString(),
 *       "--replies", pair.fromProgram().toString()).start();
 *   pair.sendLine("STATUS");
 *   pair.awaitReceivedLine("OK running");
 *   assertThat(pair).receivedLines("OK running");
 * }
 * }</pre>
 *
 * <p>Or play a conversation: {@code FifoPair.create().withScript(Script.create().sendLine("STATUS")
 * .expectLine("OK running"))}. See {@link NamedPipeFake} for what happens when the program opens
 * its ends late, never, or again, and how nothing hangs.
 */
public final class FifoPair extends NamedPipeFake<FifoPair> {
  private FifoPair() {
    super("FifoPair", "fifo");
  }

  /** A pair of pipes, not started yet. */
  public static FifoPair create() {
    return new FifoPair();
  }

  /** The pipe the program reads: give it to the program as its input. */
  public Path toProgram() {
    return pipes("toProgram").toProgram;
  }

  /** The pipe the program writes: give it to the program as its output. */
  public Path fromProgram() {
    return pipes("fromProgram").fromProgram;
  }

  /** The private directory both pipes are in. */
  public Path directory() {
    return pipes("directory").directory;
  }

  @Override
  String toProgramName() {
    return "to-program";
  }

  @Override
  String fromProgramName() {
    return "from-program";
  }

  @Override
  FifoPair self() {
    return this;
  }

  @Override
  public String toString() {
    Pipes pipes = isRunning() ? pipes("toString") : null;
    return pipes == null ? description() : description() + " in " + pipes.directory;
  }
}
