package dev.sockpuppet;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * A fake peer that the program under test connects or sends to. Every fake records everything that
 * crossed it in its {@link #traffic()}.
 *
 * <p>Lifecycle: build with {@code create()} and {@code with…} methods, {@link #start()}, then
 * {@link #stop()} or {@link #close()} (the same; idempotent). Configuration is only possible before
 * start; address accessors only after it. A stopped fake cannot be started again; its recording
 * stays readable (except bytes that went past the in-memory limit, whose spill file is deleted).
 */
public interface FakeServer extends AutoCloseable {
  /** The name messages, transcripts and thread names use. */
  String name();

  /**
   * Binds and starts accepting. Idempotent while running.
   *
   * @throws IllegalStateException if the fake was stopped, or its address cannot be used
   * @throws IllegalArgumentException if the configuration is invalid (the message says what to fix)
   */
  FakeServer start();

  /** Whether {@link #start()} succeeded and {@link #stop()} was not called yet. */
  boolean isRunning();

  /**
   * The address the fake listens on.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  SocketAddress address();

  /** How long {@code await…} methods wait before they fail. */
  Duration timeout();

  /** Everything that crossed this fake so far; live, readable from any thread. */
  Traffic traffic();

  /**
   * Fails if anything went wrong on the fake's side: a handler threw, a line matched no rule, a
   * connection could not be set up, or a thread did not stop.
   *
   * @throws org.opentest4j.AssertionFailedError listing every problem, the first as its cause
   */
  void verify();

  /**
   * Stops the fake: stops accepting, closes every connection, waits a bounded time for its threads,
   * removes its files, and then {@linkplain #verify() verifies}. Idempotent; only the first call
   * reports problems. Returns within about a second even if a handler or a client is stuck.
   */
  void stop();

  /** Same as {@link #stop()}. */
  @Override
  void close();
}
