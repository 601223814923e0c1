package dev.sockpuppet;

import java.time.Duration;

/**
 * A fake peer of the program under test: a server it connects or sends to ({@link FakeServer}),
 * and in time a client that connects to it, a pair of pipes, a process's standard streams. Every
 * fake has a name, a lifecycle, a timeout for its waits, and a recording of everything that
 * crossed it.
 *
 * <pre>{@code
 * try (TcpServer server = TcpServer.create().withName("api").start()) {
 *   // point the program under test at server.port(), let it run, then:
 *   assertThat(server).eventually().receivedLines("PING");
 * }
 * }</pre>
 *
 * <p><b>Lifecycle</b> (Testcontainers style): build with {@code create()} and {@code with…}
 * methods, which only work before the first start; {@link #start()}; {@link #stop()}; {@link
 * #close()}. A stopped fake may be started again: it then begins a fresh recording, and (unless
 * its address was fixed) gets a fresh address.
 *
 * <p><b>Recording</b>: {@link #traffic()} is live while the fake runs and stays readable after
 * {@link #stop()}. Bytes beyond the in-memory limit live in a temporary spill file; {@link #close()}
 * deletes it, after which only the in-memory part can be read.
 *
 * <p><b>Failures on the fake's side</b> (a handler threw, a line matched no rule, a write stalled
 * because the program never read, a thread would not stop) are collected and reported by {@link
 * #verify()}, {@link #stop()} and {@link #close()}; nothing that goes wrong on a fake's own threads
 * is lost.
 *
 * <p>All methods are thread-safe.
 */
public interface Fake extends AutoCloseable {
  /** The name that messages, transcripts and thread names use. */
  String name();

  /**
   * Starts the fake; idempotent while it runs. Starting a stopped fake begins a fresh recording.
   *
   * @throws IllegalStateException if its address cannot be used (the message says why)
   * @throws IllegalArgumentException if the configuration is invalid (the message says what to fix)
   * @throws java.io.UncheckedIOException if the operating system refused, with the address named
   */
  Fake start();

  /** Whether {@link #start()} succeeded and {@link #stop()} was not called since. */
  boolean isRunning();

  /** How long {@code await…} methods, handler reads and writes wait before they fail. */
  Duration timeout();

  /**
   * Everything that crossed this fake in its current (or last) run; live, readable from any thread.
   * Empty before the first start.
   */
  Traffic traffic();

  /**
   * Fails if anything went wrong on the fake's side in its current (or last) run.
   *
   * @throws org.opentest4j.AssertionFailedError listing every problem, the first as its cause
   */
  void verify();

  /**
   * Stops the fake: stops accepting, closes every connection, waits a bounded time for its threads,
   * removes its socket files, and then {@linkplain #verify() verifies}. The recording stays
   * readable, spilled bytes included, until {@link #close()}. Idempotent: only the first call
   * reports problems, and a call made while another thread is stopping the fake returns once that
   * stop has finished. Returns within about a second even if a handler or the program is stuck.
   */
  void stop();

  /**
   * {@link #stop() Stops} the fake and deletes its recording's spill file, if it has one. Bytes that
   * were in memory stay readable; reading spilled ones afterwards fails with a message saying so.
   */
  @Override
  void close();
}
