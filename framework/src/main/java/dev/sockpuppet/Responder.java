package dev.sockpuppet;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A canned behaviour for every connection of a server: record only, echo, a fixed reply, or line
 * rules. For anything else, write a {@link Handler}.
 *
 * <pre>{@code
 * UnixSocketServer.create().withResponder(Responder.echo());
 * TcpServer.create().withResponder(Responder.replyAndClose("HTTP/1.1 204 No Content\r\n\r\n"));
 * TcpServer.create().withResponder(Responder.lines(LineRules.create().when("PING").reply("PONG")));
 * }</pre>
 *
 * <p>Responders react on the connection's reading thread, right after each chunk is recorded.
 * Unless said otherwise, when the peer shuts down its output the fake closes the connection.
 * A responder is an immutable value; one can be shared by many servers.
 */
public final class Responder {
  private static final Responder SINK = new Responder("sink (record only)", () -> (c, chunk) -> {});

  private final String description;
  private final Supplier<Reaction> reactions;

  private Responder(String description, Supplier<Reaction> reactions) {
    this.description = description;
    this.reactions = reactions;
  }

  /** Records what arrives and sends nothing. The default of every server. */
  public static Responder sink() {
    return SINK;
  }

  /** Sends every chunk back as it arrives. */
  public static Responder echo() {
    return new Responder("echo", () -> (connection, chunk) -> connection.write(chunk));
  }

  /**
   * Sends {@code reply} once per connection, when the first bytes arrive, and keeps the
   * connection open until the peer closes it.
   */
  public static Responder reply(Bytes reply) {
    Objects.requireNonNull(reply, "reply");
    return new Responder("reply " + reply, () -> new FixedReply(reply, false));
  }

  /** {@link #reply(Bytes)} with the UTF-8 encoding of {@code reply}. */
  public static Responder reply(String reply) {
    return reply(Bytes.of(reply));
  }

  /**
   * Sends {@code reply} once per connection when the first bytes arrive, then shuts down the
   * fake's output, so a client that reads to end-of-stream (an HTTP/1.0-style response, {@code
   * curl}) finishes. The fake keeps reading until the peer closes, so no request byte is lost and
   * the peer sees no reset.
   */
  public static Responder replyAndClose(Bytes reply) {
    Objects.requireNonNull(reply, "reply");
    return new Responder("reply " + reply + " and close", () -> new FixedReply(reply, true));
  }

  /** {@link #replyAndClose(Bytes)} with the UTF-8 encoding of {@code reply}. */
  public static Responder replyAndClose(String reply) {
    return replyAndClose(Bytes.of(reply));
  }

  /**
   * Answers lines by {@code rules}; a line no rule matches is recorded and reported by the
   * server's {@code verify()} and {@code close()}, unless the rules have an {@code otherwise}.
   */
  public static Responder lines(LineRules rules) {
    Objects.requireNonNull(rules, "rules");
    return new Responder("line rules " + rules, () -> new LineRules.Reaction(rules));
  }

  Reaction newReaction() {
    return reactions.get();
  }

  boolean isSink() {
    return this == SINK;
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
    public void received(LiveConnection connection, Bytes chunk) throws java.io.IOException {
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
