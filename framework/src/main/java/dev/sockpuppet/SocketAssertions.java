package dev.sockpuppet;

import dev.sockpuppet.fifo.NamedPipeFake;
import dev.sockpuppet.http.HttpRequest;
import dev.sockpuppet.process.ProcessPipes;
import dev.sockpuppet.syslog.SyslogServer;

/**
 * The entry point of Sockpuppet's assertions.
 *
 * <pre>{@code
 * import static dev.sockpuppet.SocketAssertions.assertThat;
 *
 * assertThat(server).eventually().hasConnectionCount(1);
 * assertThat(server.connection(0)).receivedExactly("PING\r\n").sentExactly("PONG\r\n");
 * }</pre>
 *
 * <p>Failures are opentest4j {@link org.opentest4j.AssertionFailedError}s; byte mismatches carry
 * hex + ASCII dumps as expected and actual values so IDEs show a line-by-line diff. Checks on a
 * whole fake keep its connections apart (see {@link TrafficAssert}).
 */
public final class SocketAssertions {
  private SocketAssertions() {}

  /** Assertions on a fake and everything that crossed it in its current (or last) run. */
  public static TrafficAssert assertThat(Fake fake) {
    return new TrafficAssert(fake.traffic(), fake, null);
  }

  /** Assertions on recorded traffic. */
  public static TrafficAssert assertThat(Traffic traffic) {
    return new TrafficAssert(traffic, null, null);
  }

  /** Assertions on one connection. */
  public static ConnectionAssert assertThat(Connection connection) {
    return new ConnectionAssert(connection, null);
  }

  /**
   * Assertions on what crossed a {@link dev.sockpuppet.fifo.FifoPair}'s (or a single {@link
   * dev.sockpuppet.fifo.Fifo}'s) pipes in its current (or last) run, as on a connection: received is
   * what the program wrote, sent what it was given to read.
   */
  public static ConnectionAssert assertThat(NamedPipeFake<?> pipes) {
    return new ConnectionAssert(pipes.connection(), null);
  }

  /**
   * Assertions on a process's stdin and stdout (its connection #0): received is what it wrote to
   * stdout, sent what reached its stdin. Its stderr is {@code assertThat(process.stderr())}.
   */
  public static ConnectionAssert assertThat(ProcessPipes process) {
    return new ConnectionAssert(process.connection(), null);
  }

  /** Assertions on the messages a fake syslog daemon received, field by field. */
  public static SyslogAssert assertThat(SyslogServer syslog) {
    return new SyslogAssert(syslog, null);
  }

  /** Assertions on one HTTP request a fake received (see {@link HttpRequest#allOf(Traffic)}). */
  public static HttpRequestAssert assertThat(HttpRequest request) {
    return new HttpRequestAssert(request);
  }
}
