package dev.sockpuppet.syslog;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The receive time a server reads RFC 3164 timestamps against: {@code ZonedDateTime.now()} in the
 * system default zone, cut to the whole second, and made once a second (or when the default zone
 * changes) instead of once a message, since a flood feels the allocations of a zoned clock read.
 *
 * <p>Cutting to the second changes no result: a BSD timestamp has whole seconds, so whether it lies
 * more than a day after the receive time, and in which year and zone it is read, is the same for
 * the receive time and for its whole second. {@code SyslogFuzzTest} checks this against the exact
 * time.
 *
 * <p>It also remembers the last BSD timestamp read against it and what that came to (an instant,
 * or why there is none), since in a flood the timestamps change once a second as the receive time
 * does, and reading one allocates a dozen date-time objects. The answer is a function of the
 * timestamp's bytes and the receive time alone, so a remembered one is exact. Thread-safe.
 */
final class ReceiveClock implements Supplier<ZonedDateTime> {
  /** The time {@link #fixedAt(ZonedDateTime)} gave; null for the running clock. */
  private final ZonedDateTime fixed;
  private volatile ZonedDateTime current;
  private volatile BsdReading lastBsd;

  /** What one BSD timestamp's bytes came to against one receive time: an instant, or a problem (without its offset). */
  record BsdReading(ZonedDateTime received, byte[] text, Instant instant, String problem) {}

  /** The running clock: now, cut to the second. */
  ReceiveClock() {
    this(null);
  }

  private ReceiveClock(ZonedDateTime fixed) {
    this.fixed = fixed;
  }

  /** A clock that always says {@code receivedAt}, for a parse with a given receive time. */
  static ReceiveClock fixedAt(ZonedDateTime receivedAt) {
    return new ReceiveClock(receivedAt);
  }

  /** The reading remembered for {@code text[from..to)} against {@code received} (the same object), or null. */
  BsdReading lastBsd(ZonedDateTime received, byte[] text, int from, int to) {
    BsdReading last = lastBsd;
    return last != null && last.received == received && Arrays.equals(last.text, 0, last.text.length, text, from, to) ? last : null;
  }

  void rememberBsd(BsdReading reading) {
    lastBsd = reading;
  }

  @Override
  public ZonedDateTime get() {
    if (fixed != null) {
      return fixed;
    }
    long second = Math.floorDiv(System.currentTimeMillis(), 1000);
    ZoneId zone = ZoneId.systemDefault();
    ZonedDateTime last = current;
    if (last == null || last.toEpochSecond() != second || !last.getZone().equals(zone)) {
      last = ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), zone);
      current = last;
    }
    return last;
  }
}
