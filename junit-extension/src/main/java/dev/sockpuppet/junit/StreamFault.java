package dev.sockpuppet.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One {@link dev.sockpuppet.behaviour.Fault} of a stream server declared by annotation: the value
 * of the {@code faults} attribute of {@link WithTcpServer} and {@link WithUnixSocketServer}.
 *
 * <pre>{@code
 * @WithTcpServer(replyAndClose = "OK", faults = @StreamFault(type = REFUSE, connections = 0))   // first attempt fails, a retry works
 * @WithUnixSocketServer(responder = ECHO, faults = {
 *     @StreamFault(type = LATENCY, delay = "200ms", jitter = "50ms"),
 *     @StreamFault(type = SLICE, bytes = 7, delay = "1ms", fromProgram = true)})
 * }</pre>
 *
 * <p>The {@link #type()} says which other attributes apply (one attribute means the same thing for
 * every type that uses it):
 *
 * <table>
 *   <caption>Attributes per type</caption>
 *   <tr><th>type</th><th>needs</th><th>may have</th></tr>
 *   <tr><td>{@code LATENCY}</td><td>{@code delay}</td><td>{@code jitter}, {@code fromProgram}</td></tr>
 *   <tr><td>{@code BANDWIDTH}</td><td>{@code bytesPerSecond}</td><td>{@code fromProgram}</td></tr>
 *   <tr><td>{@code SLICE}</td><td>{@code bytes}</td><td>{@code delay}, {@code fromProgram}</td></tr>
 *   <tr><td>{@code CLOSE_AFTER}, {@code RESET_AFTER}</td><td>{@code bytes}</td><td>{@code fromProgram}</td></tr>
 *   <tr><td>{@code STALL}</td><td></td><td>{@code fromProgram}</td></tr>
 *   <tr><td>{@code RESET}, {@code REFUSE}</td><td></td><td></td></tr>
 * </table>
 *
 * <p>Every type may have {@link #connections()}. A missing attribute that the type needs, one it
 * does not use, or an invalid value (a jitter larger than the delay, a negative byte count) fails
 * the test with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming
 * the annotation, {@code faults[i]} and what to change. For faults the table cannot express, build
 * the server with {@code withFault(…)} and hold it in a {@link ManagedFake} field.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface StreamFault {
  /** What goes wrong; see {@link Type}. */
  Type type();

  /**
   * {@code LATENCY}: how long each write (or, {@link #fromProgram()}, each chunk read) is held;
   * {@code SLICE}: the pause between two pieces (default none). Written like a timeout: {@code
   * "200ms"}, {@code "1s"}, {@code "PT0.2S"}.
   */
  String delay() default "";

  /** {@code LATENCY}: each delay varies at random by up to this either way, e.g. {@code "50ms"}; at most the delay. */
  String jitter() default "";

  /**
   * {@code SLICE}: the size of each piece (at least 1); {@code CLOSE_AFTER}, {@code RESET_AFTER}:
   * how many bytes cross before the connection ends (0: at once).
   */
  long bytes() default -1;

  /** {@code BANDWIDTH}: the most bytes per second let through (at least 1). */
  long bytesPerSecond() default -1;

  /**
   * The fault acts on what the program sends to the fake instead of on what the fake sends (the
   * default). Not for {@code RESET} and {@code REFUSE}, which act when a connection opens.
   */
  boolean fromProgram() default false;

  /** Only on these connections, 0 being the first of a run; default every connection. */
  int[] connections() default {};

  /** The faults, as {@link dev.sockpuppet.behaviour.Fault}'s factory methods make them. */
  enum Type {
    /** {@link dev.sockpuppet.behaviour.Fault#latency(java.time.Duration)}, with {@code jitter} {@link dev.sockpuppet.behaviour.Fault#withJitter(java.time.Duration)}. */
    LATENCY,
    /** {@link dev.sockpuppet.behaviour.Fault#bandwidth(long)}. */
    BANDWIDTH,
    /** {@link dev.sockpuppet.behaviour.Fault#slice(int, java.time.Duration)}. */
    SLICE,
    /** {@link dev.sockpuppet.behaviour.Fault#closeAfter(long)}. */
    CLOSE_AFTER,
    /** {@link dev.sockpuppet.behaviour.Fault#resetAfter(long)}. */
    RESET_AFTER,
    /** {@link dev.sockpuppet.behaviour.Fault#reset()}. */
    RESET,
    /** {@link dev.sockpuppet.behaviour.Fault#stall()}. */
    STALL,
    /** {@link dev.sockpuppet.behaviour.Fault#refuse()}. */
    REFUSE
  }
}
