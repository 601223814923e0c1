package dev.sockpuppet.internal.engine;

import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.recording.Segment;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.internal.engine.ConnectionIo.WriteStalledException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;

/**
 * Plays one connection on its own thread, over any transport: either a {@link Reaction} fed with
 * every chunk as it is read (a canned responder; none at all for record-only), or a {@link Handler}
 * that reads and writes itself.
 *
 * <p>Two promises hold on every path. Every {@link Throwable} (an exception, an {@link
 * AssertionError} from a reply function, an {@link OutOfMemoryError}) becomes a problem of the fake
 * and resets the connection, so nothing that goes wrong here can vanish with the thread; only
 * failures caused by the fake stopping, or by a fault that ended the connection on purpose, are
 * expected and stay quiet. And the transport is closed when the runner ends, whatever the
 * recording says.
 */
public final class ConnectionRunner implements Runnable {
  private static final System.Logger LOG = System.getLogger(ConnectionRunner.class.getName());

  private final ConnectionIo io;
  private final Reaction reaction;
  private final Handler handler;
  private final Problems problems;
  private final BooleanSupplier stopping;

  private ConnectionRunner(ConnectionIo io, Reaction reaction, Handler handler, Problems problems, BooleanSupplier stopping) {
    this.io = io;
    this.reaction = reaction;
    this.handler = handler;
    this.problems = problems;
    this.stopping = stopping;
  }

  /** Runs {@code reaction} on every chunk; null records only. */
  public static ConnectionRunner reacting(ConnectionIo io, Reaction reaction, Problems problems, BooleanSupplier stopping) {
    return new ConnectionRunner(io, reaction, null, problems, stopping);
  }

  /** Runs {@code handler} once. */
  public static ConnectionRunner handling(ConnectionIo io, Handler handler, Problems problems, BooleanSupplier stopping) {
    return new ConnectionRunner(io, null, handler, problems, stopping);
  }

  public ConnectionIo io() {
    return io;
  }

  /** Whether this runner plays a handler (which may wait in its own code and is interrupted on stop). */
  public boolean runsHandler() {
    return handler != null;
  }

  @Override
  public void run() {
    try {
      if (handler != null) {
        handler.handle(io);
        io.finishAfterHandler();
      } else {
        react();
      }
    } catch (Throwable e) {
      failed(e);
    } finally {
      io.close();
    }
  }

  private void react() throws IOException {
    if (reaction != null) {
      reaction.opened(io);
    }
    while (io.record().isOpen()) {
      Segment chunk = io.readChunk(Transport.NO_TIMEOUT);
      if (chunk != null) {
        if (reaction != null) {
          reaction.received(io, Access.bytes().of(new Segment[] {chunk}));
        }
      } else if (io.inputEnded()) {
        if (io.record().isOpen()) {
          // End-of-stream (a reset already closed the record): the reaction decides what follows.
          if (reaction != null) {
            reaction.peerHalfClosed(io);
          } else {
            io.close();
          }
        }
        return;
      }
    }
  }

  private void failed(Throwable e) {
    if (e instanceof WriteStalledException || e instanceof ScriptFailure) {
      return; // reported where it happened; a stall was also reset there, and a script's connection closes
    }
    String fault = io.endedByFault();
    boolean expected =
        (stopping.getAsBoolean() || fault != null) && (!(e instanceof Error) || e instanceof AssertionError);
    if (expected) {
      // A read woken by the shutdown or by a fault that ended the connection on purpose, an
      // interrupt, or whatever a handler made of them.
      LOG.log(Level.DEBUG, io.record() + " ended by " + (fault != null ? "the fault " + fault : "the fake's stop"), e);
      return;
    }
    if (handler == null && e instanceof IOException) {
      // The program went away while a responder answered; the write recorded how and where.
      LOG.log(Level.DEBUG, io.record() + ": " + e, e);
      return;
    }
    String who = handler != null ? "the handler" : "the responder";
    problems.add(who + " of " + io.record() + " failed", e);
    io.resetQuietly(who + " failed");
  }
}
