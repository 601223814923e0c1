package dev.sockpuppet.behaviour;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.engine.ConnectionIo;
import dev.sockpuppet.internal.engine.Reaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A canned behaviour for the connections of a fake: record only, echo, a fixed reply, line rules,
 * a reset; a greeting first; a different one per connection. For anything else, write a {@link
 * Handler}.
 *
 * <pre>{@code
 * UnixSocketServer.create().withResponder(Responder.echo());
 * TcpServer.create().withResponder(Responder.replyAndClose("HTTP/1.1 204 No Content\r\n\r\n"));
 * TcpServer.create().withResponder(Responder.lines(LineRules.create().when("PING").reply("PONG")));
 * TcpServer.create().withResponder(Responder.lines(smtp).withGreeting("220 mail.example ESMTP\r\n"));
 * TcpServer.create().withResponder(Responder.perConnection(Responder.reset(), Responder.reply("OK\n")));
 * }</pre>
 *
 * <p>Responders react on the connection's reading thread, right after each chunk is recorded, so
 * they cost no thread of their own. Unless said otherwise, when the program shuts down its output
 * the fake closes the connection. A write that the program does not take within the fake's timeout
 * is reported as a problem and resets the connection (see {@link LiveConnection}); a program that
 * goes away while the fake answers is recorded, not reported.
 *
 * <p>A responder is an immutable value; one can be shared by many fakes.
 */
public final class Responder {
  private static final Responder SINK = new Responder("sink (record only)", index -> null, false);

  static {
    Access.set(
        new Access.ResponderAccess() {
          @Override
          public Reaction reaction(Responder responder, int index) {
            return responder.reactions.apply(index);
          }

          @Override
          public boolean isSink(Responder responder) {
            return responder == SINK;
          }

          @Override
          public boolean runsUserCode(Responder responder) {
            return responder.runsUserCode;
          }

          @Override
          public Responder responder(String description, IntFunction<Reaction> reactions) {
            return new Responder(description, reactions, true);
          }
        });
  }

  private final String description;
  /** The reaction for the connection at an index; null records only. */
  private final IntFunction<Reaction> reactions;
  /**
   * Whether a reaction calls a function of the user's. Connections that run none may be played on
   * virtual threads; user code keeps a platform thread, since a virtual thread that spins in it
   * would hold one of the JVM's few carrier threads.
   */
  private final boolean runsUserCode;

  private Responder(String description, IntFunction<Reaction> reactions, boolean runsUserCode) {
    this.description = description;
    this.reactions = reactions;
    this.runsUserCode = runsUserCode;
  }

  /** Records what arrives and sends nothing. The default of every fake. */
  public static Responder sink() {
    return SINK;
  }

  /** Sends every chunk back as it arrives. */
  public static Responder echo() {
    return new Responder("echo", index -> (connection, chunk) -> connection.write(chunk), false);
  }

  /**
   * Sends {@code reply} once per connection, when the first bytes arrive, and keeps the
   * connection open until the program closes it.
   */
  public static Responder reply(Bytes reply) {
    Objects.requireNonNull(reply, "reply");
    return new Responder("reply " + reply, index -> new FixedReply(reply, false), false);
  }

  /** {@link #reply(Bytes)} with the UTF-8 encoding of {@code reply}. */
  public static Responder reply(String reply) {
    return reply(Bytes.of(reply));
  }

  /**
   * Sends {@code reply} once per connection when the first bytes arrive, then shuts down the
   * fake's output, so a client that reads to end-of-stream (an HTTP/1.0-style response, {@code
   * curl}) finishes. The fake keeps reading until the program closes, so no request byte is lost
   * and the program sees no reset.
   */
  public static Responder replyAndClose(Bytes reply) {
    Objects.requireNonNull(reply, "reply");
    return new Responder("reply " + reply + " and close", index -> new FixedReply(reply, true), false);
  }

  /** {@link #replyAndClose(Bytes)} with the UTF-8 encoding of {@code reply}. */
  public static Responder replyAndClose(String reply) {
    return replyAndClose(Bytes.of(reply));
  }

  /**
   * Answers lines by {@code rules}; a line no rule matches is recorded and reported by the fake's
   * {@code verify()} and {@code close()}, unless the rules have an {@code otherwise}.
   */
  public static Responder lines(LineRules rules) {
    Objects.requireNonNull(rules, "rules");
    return new Responder("line rules " + rules, index -> rules.newReaction(), rules.runsUserCode());
  }

  /**
   * Resets each connection as soon as it opens: the program sees "connection reset" (RST on TCP)
   * at its first read or write, whether it speaks first or waits for a greeting. With {@link
   * #perConnection} it makes a first attempt fail.
   */
  public static Responder reset() {
    return new Responder("reset", index -> new Reaction() {
      @Override
      public void opened(ConnectionIo connection) throws IOException {
        connection.reset();
      }

      @Override
      public void received(ConnectionIo connection, Bytes chunk) {
        // never called: the connection is reset before anything is read
      }
    }, false);
  }

  /**
   * A different responder for each connection, in the order they open: the first connection gets
   * {@code first}, the second the first of {@code then}, and so on; every connection after the
   * last one given gets the last one. A client's retry logic is tested with
   * {@code perConnection(Responder.reset(), Responder.reply("OK\n"))}.
   */
  public static Responder perConnection(Responder first, Responder... then) {
    Objects.requireNonNull(first, "first");
    List<Responder> sequence = new ArrayList<>();
    sequence.add(first);
    for (Responder next : then) {
      sequence.add(Objects.requireNonNull(next, "a responder in perConnection(…) is null"));
    }
    List<Responder> fixed = List.copyOf(sequence);
    return new Responder(
        "per connection " + fixed,
        index -> {
          Responder chosen = fixed.get(Math.min(index, fixed.size() - 1));
          return chosen.reactions.apply(index);
        },
        fixed.stream().anyMatch(responder -> responder.runsUserCode));
  }

  /**
   * This responder, with {@code greeting} sent as soon as each connection opens, before anything
   * is read: the banner of protocols where the server speaks first (SMTP's {@code 220}, FTP, POP3).
   */
  public Responder withGreeting(Bytes greeting) {
    Objects.requireNonNull(greeting, "greeting");
    IntFunction<Reaction> base = reactions;
    return new Responder(
        description + " after the greeting " + greeting,
        index -> {
          Reaction then = base.apply(index);
          return new Reaction() {
            @Override
            public void opened(ConnectionIo connection) throws IOException {
              connection.write(greeting);
              if (then != null) {
                then.opened(connection);
              }
            }

            @Override
            public void received(ConnectionIo connection, Bytes chunk) throws IOException {
              if (then != null) {
                then.received(connection, chunk);
              }
            }

            @Override
            public void peerHalfClosed(ConnectionIo connection) throws IOException {
              if (then != null) {
                then.peerHalfClosed(connection);
              } else {
                connection.close();
              }
            }
          };
        },
        runsUserCode);
  }

  /** {@link #withGreeting(Bytes)} with the UTF-8 encoding of {@code greeting}. */
  public Responder withGreeting(String greeting) {
    return withGreeting(Bytes.of(greeting));
  }

  @Override
  public String toString() {
    return description;
  }

  private static final class FixedReply implements Reaction {
    private final Bytes reply;
    private final boolean thenShutdownOutput;
    private boolean replied;

    FixedReply(Bytes reply, boolean thenShutdownOutput) {
      this.reply = reply;
      this.thenShutdownOutput = thenShutdownOutput;
    }

    @Override
    public void received(ConnectionIo connection, Bytes chunk) throws IOException {
      if (replied) {
        return;
      }
      replied = true;
      connection.write(reply);
      if (thenShutdownOutput) {
        connection.shutdownOutput();
      }
    }
  }
}
