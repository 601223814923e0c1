package dev.sockpuppet.junit;

/**
 * The canned behaviours an annotation such as {@link WithTcpServer} can pick with its {@code
 * responder} attribute. Fixed replies and line rules have attributes of their own ({@code reply},
 * {@code replyAndClose}, {@code lines}), because they need text.
 *
 * <pre>{@code
 * @WithUnixSocketServer(responder = ResponderType.ECHO)
 * @WithUdpServer(responder = ResponderType.ECHO)     // each datagram back to its sender
 * }</pre>
 *
 * <p>On the datagram servers ({@link WithUdpServer}, {@link WithUnixDatagramServer}) the same
 * values pick {@link dev.sockpuppet.datagram.DatagramResponder#sink()} and {@link
 * dev.sockpuppet.datagram.DatagramResponder#echo()}.
 *
 * @see dev.sockpuppet.behaviour.Responder
 * @see dev.sockpuppet.datagram.DatagramResponder
 */
public enum ResponderType {
  /** Records what arrives and sends nothing ({@link dev.sockpuppet.behaviour.Responder#sink()}); the default. */
  SINK,
  /** Sends every chunk back as it arrives ({@link dev.sockpuppet.behaviour.Responder#echo()}). */
  ECHO
}
