package dev.sockpuppet.internal.engine;

import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.Access;
import java.util.function.BooleanSupplier;

/**
 * What a fake does with each of its connections, whoever opened it: a canned {@link Responder}, a
 * {@link Handler}, or a script. An engine asks it how to wait on a connection and for the runner
 * that plays it, so a new kind of behaviour needs no change to any engine.
 */
public interface Behaviour {
  /**
   * How connections played by this behaviour wait: {@link SocketTransport.Mode#BLOCKING} when a
   * read that timed out ends the conversation (canned responders, which never time out, and
   * scripts, whose timed-out step fails), {@link SocketTransport.Mode#SELECTING} when the connection
   * must stay usable after a timed-out read (handlers).
   */
  SocketTransport.Mode mode();

  /**
   * Whether playing a connection may call the user's code (a handler, a reply function). Such a
   * connection gets a platform thread; one that runs only the library's code may get a virtual
   * thread (see {@link Threads#startConnection}).
   */
  boolean runsUserCode();

  /** The runner that plays {@code io}, the connection at {@code io.index()}. */
  ConnectionRunner runner(ConnectionIo io, Problems problems, BooleanSupplier stopping);

  /**
   * Called once when the engine starts, with the run's problems: a behaviour that expects
   * something (a script, a connection for it) registers what is still pending there.
   */
  default void started(Problems problems) {}

  /** A canned responder's behaviour. */
  static Behaviour of(Responder responder) {
    Access.ResponderAccess responders = Access.responders();
    boolean sink = responders.isSink(responder);
    boolean userCode = responders.runsUserCode(responder);
    return new Behaviour() {
      @Override
      public SocketTransport.Mode mode() {
        return SocketTransport.Mode.BLOCKING;
      }

      @Override
      public boolean runsUserCode() {
        return userCode;
      }

      @Override
      public ConnectionRunner runner(ConnectionIo io, Problems problems, BooleanSupplier stopping) {
        Reaction reaction = sink ? null : responders.reaction(responder, io.index());
        return ConnectionRunner.reacting(io, reaction, problems, stopping);
      }
    };
  }

  /** A handler's behaviour. */
  static Behaviour of(Handler handler) {
    return new Behaviour() {
      @Override
      public SocketTransport.Mode mode() {
        return SocketTransport.Mode.SELECTING;
      }

      @Override
      public boolean runsUserCode() {
        return true;
      }

      @Override
      public ConnectionRunner runner(ConnectionIo io, Problems problems, BooleanSupplier stopping) {
        return ConnectionRunner.handling(io, handler, problems, stopping);
      }
    };
  }
}
