package dev.sockpuppet.fifo;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The program's side of a {@link FifoPair} or {@link Fifo}, as a recorded connection's {@link
 * dev.sockpuppet.Connection#peerAddress() peer address}: the pipe it reads and the pipe it writes
 * (either may be absent for a single FIFO). Pipes have no addresses of their own; this names them
 * in transcripts and exports.
 */
public final class PipeAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final transient Path programReads;
  private final transient Path programWrites;

  PipeAddress(Path programReads, Path programWrites) {
    if (programReads == null && programWrites == null) {
      throw new IllegalArgumentException("a pipe address names at least one pipe");
    }
    this.programReads = programReads;
    this.programWrites = programWrites;
  }

  /** The pipe the program reads, if there is one. */
  public Optional<Path> programReads() {
    return Optional.ofNullable(programReads);
  }

  /** The pipe the program writes, if there is one. */
  public Optional<Path> programWrites() {
    return Optional.ofNullable(programWrites);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipeAddress other
        && Objects.equals(programReads, other.programReads)
        && Objects.equals(programWrites, other.programWrites);
  }

  @Override
  public int hashCode() {
    return Objects.hash(programReads, programWrites);
  }

  /** E.g. {@code the program reading /tmp/sp-1/to-program and writing /tmp/sp-1/from-program}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("the program");
    if (programReads != null) {
      text.append(" reading ").append(programReads);
    }
    if (programWrites != null) {
      text.append(programReads != null ? " and" : "").append(" writing ").append(programWrites);
    }
    return text.toString();
  }
}
