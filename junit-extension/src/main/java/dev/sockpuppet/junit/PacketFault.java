package dev.sockpuppet.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One {@link dev.sockpuppet.datagram.DatagramFault} of a datagram server declared by annotation: the
 * value of the {@code faults} attribute of {@link WithUdpServer} and {@link WithUnixDatagramServer}.
 * The server plays a host behind a lossy network.
 *
 * <pre>{@code
 * @WithUdpServer(responder = ECHO, faults = @PacketFault(type = DROP, datagrams = 0))   // the first reply is lost: the client must retry
 * @WithUnixDatagramServer(faults = {
 *     @PacketFault(type = DELAY, delay = "50ms", jitter = "20ms"),
 *     @PacketFault(type = TRUNCATE, bytes = 512, fromProgram = true)})
 * }</pre>
 *
 * <p>The {@link #type()} says which other attributes apply:
 *
 * <table>
 *   <caption>Attributes per type</caption>
 *   <tr><th>type</th><th>needs</th><th>may have</th></tr>
 *   <tr><td>{@code DROP}, {@code DUPLICATE}</td><td></td><td>{@code fromProgram}</td></tr>
 *   <tr><td>{@code TRUNCATE}</td><td>{@code bytes}</td><td>{@code fromProgram}</td></tr>
 *   <tr><td>{@code DELAY}</td><td>{@code delay}</td><td>{@code jitter}, {@code fromProgram}</td></tr>
 * </table>
 *
 * <p>Every type may have {@link #datagrams()}. A missing attribute that the type needs, one it does
 * not use, or an invalid value (a jitter larger than the delay, a negative size) fails the test
 * with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming the
 * annotation, {@code faults[i]} and what to change. What each fault does to the recording (a
 * dropped reply is not on record, a datagram dropped on its way in is neither recorded nor
 * answered) is described on {@link dev.sockpuppet.datagram.DatagramFault}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface PacketFault {
  /** What goes wrong; see {@link Type}. */
  Type type();

  /** {@code DELAY}: how late each datagram is delivered, written like a timeout: {@code "50ms"}, {@code "1s"}. */
  String delay() default "";

  /** {@code DELAY}: each delay varies at random by up to this either way, e.g. {@code "20ms"}; at most the delay. */
  String jitter() default "";

  /** {@code TRUNCATE}: the size each datagram is cut to (0 leaves it empty). */
  int bytes() default -1;

  /**
   * The fault acts on what the program sends to the server instead of on what the server sends
   * (the default).
   */
  boolean fromProgram() default false;

  /** Only on these datagrams of the fault's direction, 0 being the first of a run; default every one. */
  int[] datagrams() default {};

  /** The faults, as {@link dev.sockpuppet.datagram.DatagramFault}'s factory methods make them. */
  enum Type {
    /** {@link dev.sockpuppet.datagram.DatagramFault#drop()}. */
    DROP,
    /** {@link dev.sockpuppet.datagram.DatagramFault#duplicate()}. */
    DUPLICATE,
    /** {@link dev.sockpuppet.datagram.DatagramFault#truncate(int)}. */
    TRUNCATE,
    /** {@link dev.sockpuppet.datagram.DatagramFault#delay(java.time.Duration)}, with {@code jitter} {@link dev.sockpuppet.datagram.DatagramFault#withJitter(java.time.Duration)}. */
    DELAY
  }
}
