package dev.sockpuppet.datagram;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a datagram fake answers to each datagram it receives: nothing ({@link #sink()}, the
 * default), the datagram itself ({@link #echo()}), a fixed reply, or a reply computed from the
 * datagram. A reply goes to the address the datagram came from.
 *
 * <pre>{@code
 * UdpServer dns = UdpServer.create()
 *     .withResponder(DatagramResponder.replyWith(query -> answerFor(query.bytes())))
 *     .start();
 * }</pre>
 *
 * <p>A Unix datagram sender that did not bind an address (what {@code logger} and glibc's {@code
 * syslog(3)} do) cannot be answered; a reply to one is reported as a problem of the fake. An
 * immutable value; one can be shared by many fakes.
 */
public final class DatagramResponder {
  private static final DatagramResponder SINK = new DatagramResponder("sink (record only)", datagram -> null);

  private final String description;
  private final Function<Datagram, Bytes> replies;

  private DatagramResponder(String description, Function<Datagram, Bytes> replies) {
    this.description = description;
    this.replies = replies;
  }

  /** Records every datagram and answers none. */
  public static DatagramResponder sink() {
    return SINK;
  }

  /** Sends every datagram back to its sender, byte for byte. */
  public static DatagramResponder echo() {
    return new DatagramResponder("echo", Datagram::bytes);
  }

  /** Answers every datagram with {@code reply}. */
  public static DatagramResponder reply(Bytes reply) {
    Objects.requireNonNull(reply, "reply");
    return new DatagramResponder("reply " + reply.size() + " bytes", datagram -> reply);
  }

  /** Answers every datagram with the UTF-8 encoding of {@code reply}. */
  public static DatagramResponder reply(String reply) {
    Objects.requireNonNull(reply, "reply");
    return reply(Bytes.of(reply));
  }

  /**
   * Answers each datagram with what {@code reply} returns for it; {@code null} sends nothing. The
   * function runs on the fake's thread; what it throws is a problem of the fake.
   */
  public static DatagramResponder replyWith(Function<Datagram, Bytes> reply) {
    Objects.requireNonNull(reply, "reply");
    return new DatagramResponder("reply computed per datagram", reply);
  }

  /** The reply to {@code datagram}, or null for none. */
  Bytes replyTo(Datagram datagram) {
    return replies.apply(datagram);
  }

  boolean isSink() {
    return this == SINK;
  }

  @Override
  public String toString() {
    return description;
  }
}
