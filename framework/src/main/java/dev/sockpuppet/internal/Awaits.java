package dev.sockpuppet.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.IterativePollInterval;
import org.opentest4j.AssertionFailedError;

/**
 * Every "eventually" in Sockpuppet goes through here: a named Awaitility condition with a bound,
 * polled on the caller's thread, that fails with what was awaited and what arrived instead.
 */
public final class Awaits {
  private static final Duration FIRST_POLL = Duration.ofMillis(1);
  private static final Duration LONGEST_POLL = Duration.ofMillis(20);

  private Awaits() {}

  /**
   * Polls {@code probe} until {@code done} accepts its value and returns that value.
   *
   * @param what the awaited condition in words, e.g. {@code TcpServer 'api' to receive "PING"}
   * @param timeout the bound
   * @param probe reads the current state
   * @param done decides whether the state is what was awaited
   * @param instead describes the state for the failure message when the bound passes
   * @throws AssertionFailedError naming what was awaited and showing what arrived instead
   */
  public static <T> T until(
      String what,
      Duration timeout,
      Callable<T> probe,
      Predicate<? super T> done,
      Supplier<String> instead) {
    try {
      return condition(what, timeout).until(probe, done::test);
    } catch (ConditionTimeoutException e) {
      throw new AssertionFailedError(
          "timed out after " + Durations.describe(timeout) + " waiting for " + what + "; " + instead.get());
    }
  }

  /**
   * Waits until {@code probe} lists at least {@code count} items and returns the first {@code
   * count}: the {@code awaitConnections(n)}, {@code awaitDatagrams(n)} kind of wait.
   *
   * @param what what is awaited, e.g. {@code UdpServer 'dns' to receive 3 datagrams}
   * @throws IllegalArgumentException if {@code count} is below 1
   */
  public static <T> List<T> atLeast(
      int count, String what, Duration timeout, Callable<List<T>> probe, Supplier<String> instead) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    return until(what, timeout, probe, all -> all.size() >= count, instead).subList(0, count);
  }

  /**
   * Waits for the item after the last one handed out through {@code taken} and returns it, like a
   * queue ({@code takeConnection()}, {@code takeDatagram()}); a wait in vain hands nothing out.
   *
   * @param what what is awaited, given the index of the item, e.g. {@code i -> "… datagram #" + i}
   */
  public static <T> T next(
      AtomicInteger taken, IntFunction<String> what, Duration timeout, Callable<List<T>> probe, Supplier<String> instead) {
    int next = taken.getAndIncrement();
    try {
      return until(what.apply(next), timeout, probe, all -> all.size() > next, instead).get(next);
    } catch (AssertionError e) {
      taken.decrementAndGet();
      throw e;
    }
  }

  private static ConditionFactory condition(String what, Duration timeout) {
    // Polling in the caller's thread creates no executor per wait, so waits leave no threads
    // behind; not catching uncaught exceptions keeps Awaitility from touching the JVM-wide
    // default handler, which parallel tests share.
    return Awaitility.await(what)
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(new IterativePollInterval(Awaits::next, FIRST_POLL))
        .pollInSameThread()
        .dontCatchUncaughtExceptions();
  }

  private static Duration next(Duration previous) {
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : doubled;
  }
}
