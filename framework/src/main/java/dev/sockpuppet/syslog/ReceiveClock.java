package dev.sockpuppet.syslog;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.function.Supplier;

/**
 * The receive time a server reads RFC 3164 timestamps against: {@code ZonedDateTime.now()} in the
 * system default zone, cut to the whole second, and made once a second (or when the default zone
 * changes) instead of once a message, since a flood feels the allocations of a zoned clock read.
 *
 * <p>Cutting to the second changes no result: a BSD timestamp has whole seconds, so whether it lies
 * more than a day after the receive time, and in which year and zone it is read, is the same for
 * the receive time and for its whole second. {@code SyslogFuzzTest} checks this against the exact
 * time. Thread-safe.
 */
final class ReceiveClock implements Supplier<ZonedDateTime> {
  private volatile ZonedDateTime current;

  @Override
  public ZonedDateTime get() {
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
