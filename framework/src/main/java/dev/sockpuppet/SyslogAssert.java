package dev.sockpuppet;

import dev.sockpuppet.internal.Checks;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.syslog.SyslogMatcher;
import dev.sockpuppet.syslog.SyslogMessage;
import dev.sockpuppet.syslog.SyslogServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on the messages a {@link SyslogServer} received; start with {@link
 * SocketAssertions#assertThat(SyslogServer)}.
 *
 * <pre>{@code
 * assertThat(syslog).eventually().hasMessage(SyslogMatcher.message().withSeverity(Severity.ERROR).withAppName("app"));
 * assertThat(syslog).hasMessageCount(3).hasNoUnparsedMessages();
 * assertThat(syslog).hasMessagesInOrder(started, stopped);
 * }</pre>
 *
 * <p>A failure lists what was received, the nearest message first, and names each field in which
 * the nearest one differs. {@link #eventually()} and {@link #within(Duration)} retry each following
 * check until it passes, then fail with its last failure.
 */
public final class SyslogAssert {
  /** Messages a failure lists at most. */
  private static final int SHOWN = 20;

  private final SyslogServer syslog;
  private final Duration wait;

  SyslogAssert(SyslogServer syslog, Duration wait) {
    this.syslog = Objects.requireNonNull(syslog, "syslog");
    this.wait = wait;
  }

  /** Retries each following check for up to the server's timeout. */
  public SyslogAssert eventually() {
    return within(syslog.timeout());
  }

  /** Retries each following check for up to {@code timeout}. */
  public SyslogAssert within(Duration timeout) {
    return new SyslogAssert(syslog, Durations.requirePositive(timeout, "timeout"));
  }

  /** Some message matches {@code expected}. */
  public SyslogAssert hasMessage(SyslogMatcher expected) {
    Objects.requireNonNull(expected, "expected");
    return check("to receive " + expected, () -> {
      List<SyslogMessage> all = syslog.messages();
      if (all.stream().anyMatch(expected)) {
        return null;
      }
      return new AssertionFailedError(
          syslog + " did not receive " + expected + "; " + describe(all, expected), expected.toString(),
          nearestText(all, expected));
    });
  }

  /** No message matches {@code unexpected}. */
  public SyslogAssert hasNoMessage(SyslogMatcher unexpected) {
    Objects.requireNonNull(unexpected, "unexpected");
    return check("to receive no " + unexpected, () -> {
      List<SyslogMessage> matching = syslog.messages().stream().filter(unexpected).toList();
      return matching.isEmpty()
          ? null
          : new AssertionFailedError(syslog + " received " + unexpected + ": " + matching.get(0)
              + (matching.size() > 1 ? " (and " + (matching.size() - 1) + " more)" : ""));
    });
  }

  /**
   * Messages match {@code expected} in this order (other messages may come between them): the first
   * matcher's message comes before the second's, and so on.
   */
  public SyslogAssert hasMessagesInOrder(SyslogMatcher... expected) {
    List<SyslogMatcher> wanted = List.of(expected);
    return check("to receive messages in order", () -> {
      List<SyslogMessage> all = syslog.messages();
      int from = 0;
      for (int i = 0; i < wanted.size(); i++) {
        SyslogMatcher next = wanted.get(i);
        int found = -1;
        for (int j = from; j < all.size(); j++) {
          if (next.test(all.get(j))) {
            found = j;
            break;
          }
        }
        if (found < 0) {
          String after = i == 0 ? "" : " after message #" + (from - 1);
          return new AssertionFailedError(syslog + " did not receive " + next + after + " (matcher " + (i + 1) + " of "
              + wanted.size() + "); " + describe(all.subList(from, all.size()), next));
        }
        from = found + 1;
      }
      return null;
    });
  }

  /** Exactly {@code count} messages arrived. */
  public SyslogAssert hasMessageCount(int count) {
    return check("to receive " + count + " messages", () -> {
      List<SyslogMessage> all = syslog.messages();
      return all.size() == count
          ? null
          : new AssertionFailedError(syslog + " received " + all.size() + " messages, expected " + count + "; "
              + describe(all, null), count, all.size());
    });
  }

  /** Every message parsed without error. */
  public SyslogAssert hasNoUnparsedMessages() {
    return check("to parse every message", () -> {
      List<SyslogMessage> failed = syslog.messages().stream().filter(m -> m.parseError().isPresent()).toList();
      if (failed.isEmpty()) {
        return null;
      }
      StringBuilder text = new StringBuilder(syslog.toString()).append(" received ").append(failed.size())
          .append(failed.size() == 1 ? " message" : " messages").append(" it could not parse:");
      for (SyslogMessage message : failed.subList(0, Math.min(10, failed.size()))) {
        text.append("\n  ").append(message).append("\n    raw: ").append(HexDump.describe(message.raw()));
      }
      return new AssertionFailedError(text.toString());
    });
  }

  /**
   * The messages, nearest to {@code expected} first (fewest differing fields; the earliest of
   * equals), the nearest with each differing field named; at most {@value #SHOWN} listed.
   */
  private static String describe(List<SyslogMessage> all, SyslogMatcher expected) {
    if (all.isEmpty()) {
      return "it received no message";
    }
    List<SyslogMessage> shown = expected == null ? all : nearestFirst(all, expected);
    StringBuilder text = new StringBuilder("it received ").append(all.size()).append(all.size() == 1 ? " message" : " messages")
        .append(expected != null ? ", nearest first:" : ":");
    for (int i = 0; i < Math.min(SHOWN, shown.size()); i++) {
      SyslogMessage message = shown.get(i);
      text.append("\n  ").append(message);
      if (expected != null && i == 0) {
        for (String mismatch : expected.mismatches(message)) {
          text.append("\n      differs in ").append(mismatch);
        }
      }
    }
    if (all.size() > SHOWN) {
      text.append("\n  (").append(all.size() - SHOWN).append(" more not shown)");
    }
    return text.toString();
  }

  /** The first {@value #SHOWN} messages by their number of differing fields, each counted once. */
  private static List<SyslogMessage> nearestFirst(List<SyslogMessage> all, SyslogMatcher expected) {
    int[] differing = new int[all.size()];
    Integer[] order = new Integer[all.size()];
    for (int i = 0; i < all.size(); i++) {
      differing[i] = expected.mismatches(all.get(i)).size();
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> differing[i]));
    List<SyslogMessage> nearest = new ArrayList<>();
    for (int i = 0; i < Math.min(SHOWN, order.length); i++) {
      nearest.add(all.get(order[i]));
    }
    return nearest;
  }

  private static String nearestText(List<SyslogMessage> all, SyslogMatcher expected) {
    List<SyslogMessage> nearest = nearestFirst(all, expected);
    return nearest.isEmpty() ? "no message" : nearest.get(0) + "\n" + String.join("\n", expected.mismatches(nearest.get(0)));
  }

  private SyslogAssert check(String what, Supplier<AssertionFailedError> check) {
    Checks.run(wait, syslog + " " + what, check);
    return this;
  }
}
