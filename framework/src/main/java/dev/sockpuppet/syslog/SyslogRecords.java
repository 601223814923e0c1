package dev.sockpuppet.syslog;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.internal.HexDump;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Cuts one stream connection's bytes into syslog records as they arrive, in whatever chunks they
 * arrive: feed it each chunk, and it returns the records that chunk completed. The records come
 * without their framing (octet count, trailer) and go to {@link SyslogParser}, together with the
 * framing problem when there was one.
 *
 * <p><b>{@link Mode#TCP}</b> (RFC 6587), decided per connection by its first byte:
 *
 * <ul>
 *   <li>a digit: <em>octet counting</em>, {@code MSG-LEN SP SYSLOG-MSG}, MSG-LEN a decimal number
 *       without a leading zero. A count that is not one ({@code 12x}, {@code 0}, more than 10
 *       digits, a leading zero) starts a record that continues as in non-transparent framing, and
 *       the connection stays in non-transparent framing from then on: after a broken count there is
 *       no way to find the next frame other than its trailer. The record's problem says so.
 *   <li>anything else: <em>non-transparent framing</em>: records end with LF (a CR before it is
 *       taken as part of the trailer) or NUL (Python's SysLogHandler ends records with NUL).
 * </ul>
 *
 * <p>Between counted frames a LF, CR or NUL is skipped, because some senders add a LF after each
 * frame although RFC 6587 has none; anywhere else in a count it is a broken count.
 *
 * <p><b>{@link Mode#UNIX_STREAM}</b>: records end with NUL (glibc's {@code syslog()}) or LF
 * ({@code logger}). A message with a LF inside it therefore arrives as two records; that is how
 * syslog daemons read such a socket too.
 *
 * <p>In the trailer-ended framings, empty records (two trailers in a row) are not messages and are
 * skipped.
 *
 * <p><b>Bounded.</b> A record longer than {@code maxRecord} bytes is not dropped: its first {@code
 * maxRecord} bytes become a record whose problem says how long it was and that the rest was
 * skipped. With octet counting that record comes out as soon as the maximum is reached and exactly
 * the declared length is then skipped; with a trailer it comes out when the trailer (or the end of
 * the stream) arrives, so that the problem can say how many bytes were skipped. Memory held is at
 * most {@code maxRecord} bytes plus the chunk being fed.
 *
 * <p><b>End of stream</b> ({@link #end()}): a partial record is emitted. Over TCP it has a problem
 * ("ended without a trailer", or how many of the declared octets arrived), because RFC 6587 senders
 * always frame their records. On a Unix stream a last record without a terminator is a complete
 * record without a problem: glibc's last record has none when the program exits right after it.
 *
 * <p>Not thread-safe: one instance per connection, fed from one thread.
 */
final class SyslogRecords {
  /** The default {@code maxRecord}: 1 MiB. */
  static final int DEFAULT_MAX_RECORD = 1024 * 1024;

  /** The longest octet count it reads: ten digits is already more than any record it keeps. */
  private static final int MAX_COUNT_DIGITS = 10;

  /** Which framing the stream uses. */
  enum Mode {
    /** RFC 6587: octet counting or non-transparent framing, detected from the first byte. */
    TCP,
    /** glibc and {@code logger} on a Unix stream socket: NUL- or LF-terminated records. */
    UNIX_STREAM
  }

  /**
   * One record cut from the stream.
   *
   * @param bytes the record without its framing; at most {@code maxRecord} bytes
   * @param offset where the record (its octet count, if any) started in the connection's stream
   * @param problem what was wrong with its framing, for {@link SyslogParser}'s parse error
   */
  record Framed(Bytes bytes, long offset, Optional<String> problem) {
    Framed {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(problem, "problem");
    }

    /** The problem or null, as {@link SyslogParser#parse(int, Bytes, java.net.SocketAddress, java.time.Duration, java.time.ZonedDateTime, String)} takes it. */
    String problemOrNull() {
      return problem.orElse(null);
    }
  }

  private enum State {
    /** TCP before its first byte. */
    START,
    /** Reading the digits of an octet count. */
    COUNT,
    /** Reading the declared number of octets. */
    OCTETS,
    /** Skipping what is left of an oversized counted frame. */
    SKIP_OCTETS,
    /** Reading up to a trailer. */
    TRAILER
  }

  private final Mode mode;
  private final int maxRecord;

  private State state;
  private byte[] buffer = new byte[256];
  private int length;
  /** Stream offset of the next byte fed. */
  private long position;
  private long recordStart;
  private long declared;
  private long remaining;
  /** Bytes of an oversized trailer-ended record seen past the maximum. */
  private long overflow;
  private String countProblem;
  private boolean ended;

  /** A splitter with the default maximum record size of 1 MiB. */
  SyslogRecords(Mode mode) {
    this(mode, DEFAULT_MAX_RECORD);
  }

  /**
   * A splitter for one connection.
   *
   * @param maxRecord the longest record kept whole, at least 1
   */
  SyslogRecords(Mode mode, int maxRecord) {
    this.mode = Objects.requireNonNull(mode, "mode");
    if (maxRecord < 1) {
      throw new IllegalArgumentException("maxRecord must be at least 1 byte, got " + maxRecord);
    }
    this.maxRecord = maxRecord;
    this.state = mode == Mode.TCP ? State.START : State.TRAILER;
  }

  /** Feeds the next chunk of the stream; returns the records it completed, in order. */
  List<Framed> feed(Bytes chunk) {
    Objects.requireNonNull(chunk, "chunk");
    byte[] data = chunk.toByteArray();
    return feed(data, 0, data.length);
  }

  /** Feeds {@code count} bytes of {@code data} from {@code from}; returns the records they completed. */
  List<Framed> feed(byte[] data, int from, int count) {
    Objects.checkFromIndexSize(from, count, data.length);
    if (ended) {
      throw new IllegalStateException("the stream has ended; end() was called");
    }
    List<Framed> out = new ArrayList<>();
    int i = from;
    int stop = from + count;
    while (i < stop) {
      switch (state) {
        case START -> {
          recordStart = position;
          state = isDigit(data[i]) ? State.COUNT : State.TRAILER;
        }
        case COUNT -> i = count(data, i, out);
        case OCTETS -> i = octets(data, i, stop, out);
        case SKIP_OCTETS -> {
          int skipped = (int) Math.min(remaining, stop - i);
          remaining -= skipped;
          i += skipped;
          position += skipped;
          if (remaining == 0) {
            startCounted();
          }
        }
        case TRAILER -> i = trailer(data, i, stop, out);
      }
    }
    return out;
  }

  /**
   * The stream has ended: returns the partial record, if any, as described on the class. Call once;
   * feeding afterwards fails.
   */
  List<Framed> end() {
    if (ended) {
      throw new IllegalStateException("end() was already called");
    }
    ended = true;
    List<Framed> out = new ArrayList<>();
    switch (state) {
      case START, SKIP_OCTETS -> {
        // Nothing started, or the rest of a frame already emitted; nothing to add.
      }
      case COUNT -> {
        if (length > 0) {
          emit(out, "the stream ended inside the octet count \"" + text() + "\"");
        }
      }
      case OCTETS ->
          emit(out, "the stream ended after " + length + " of the " + declared + " octets its count declared (RFC 6587 octet counting)");
      case TRAILER -> {
        if (length > 0 || overflow > 0) {
          String oversize = overflow > 0 ? oversized("up to the end of the stream") : null;
          String unterminated = mode == Mode.TCP ? "the stream ended without a trailer (LF) after this record" : null;
          emit(out, join(countProblem, join(oversize, unterminated)));
        }
      }
    }
    return out;
  }

  private int count(byte[] data, int i, List<Framed> out) {
    byte c = data[i];
    if (length == 0 && (c == '\n' || c == '\r' || c == 0)) {
      // Some senders end each counted frame with a LF as well; between frames it carries nothing.
      position++;
      recordStart = position;
      return i + 1;
    }
    if (c == ' ' && length > 0) {
      // The digits were checked as they came, so this is 1 to 10 digits without a leading zero.
      declared = Long.parseLong(text());
      remaining = declared;
      length = 0;
      position++;
      state = State.OCTETS;
      return i + 1;
    }
    boolean leadingZero = length == 0 && c == '0';
    if (!isDigit(c) || leadingZero || length >= MAX_COUNT_DIGITS) {
      position++;
      byte[] seen = Arrays.copyOf(buffer, length + 1);
      seen[length] = c;
      String why = leadingZero ? "starts with a zero" : isDigit(c) ? "has more than " + MAX_COUNT_DIGITS + " digits" : "is not a number";
      countProblem =
          "the octet count \"" + HexDump.escaped(seen) + "\" " + why
              + " (RFC 6587 octet counting); the record runs to the next trailer (LF) and the connection now uses non-transparent framing";
      state = State.TRAILER;
      if (c == '\n' || c == 0) {
        // The bad byte is itself a trailer: the record is what was seen before it.
        emit(out, countProblem);
        countProblem = null;
        return i + 1;
      }
      append(c);
      if (length > maxRecord) {
        // Only with a tiny maximum: the count itself is already too long to keep.
        overflow = length - maxRecord;
        length = maxRecord;
      }
      return i + 1;
    }
    append(c);
    position++;
    return i + 1;
  }

  private int octets(byte[] data, int i, int stop, List<Framed> out) {
    int keep = (int) Math.min(Math.min(remaining, stop - i), maxRecord - length);
    append(data, i, keep);
    remaining -= keep;
    position += keep;
    if (remaining == 0) {
      emit(out, null);
      startCounted();
    } else if (length == maxRecord) {
      emit(out, "the record of " + declared + " octets is longer than " + maxRecord + " bytes; the remaining " + remaining + " bytes were skipped");
      state = State.SKIP_OCTETS;
    }
    return i + keep;
  }

  private int trailer(byte[] data, int i, int stop, List<Framed> out) {
    int end = i;
    while (end < stop && data[end] != '\n' && data[end] != 0) {
      end++;
    }
    int keep = Math.max(0, Math.min(end - i, maxRecord - length));
    append(data, i, keep);
    overflow += (end - i) - keep;
    position += end - i;
    if (end == stop) {
      return stop;
    }
    // data[end] is the trailer.
    if (data[end] == '\n' && length > 0 && buffer[length - 1] == '\r' && overflow == 0) {
      length--;
    }
    position++;
    if (length > 0 || overflow > 0 || countProblem != null) {
      emit(out, join(countProblem, overflow > 0 ? oversized("up to the trailer") : null));
    } else {
      recordStart = position;
    }
    countProblem = null;
    return end + 1;
  }

  private String oversized(String where) {
    return "the record is " + (length + overflow) + " bytes, longer than " + maxRecord + "; the remaining " + overflow + " bytes " + where + " were skipped";
  }

  private void startCounted() {
    state = State.COUNT;
    recordStart = position;
    length = 0;
  }

  private void emit(List<Framed> out, String problem) {
    out.add(new Framed(Bytes.of(buffer, 0, length), recordStart, Optional.ofNullable(problem)));
    length = 0;
    overflow = 0;
    recordStart = position;
    if (buffer.length > 64 * 1024) {
      // One huge record should not pin its buffer for the rest of the connection.
      buffer = new byte[256];
    }
  }

  private void append(byte c) {
    ensure(length + 1);
    buffer[length++] = c;
  }

  private void append(byte[] data, int from, int count) {
    ensure(length + count);
    System.arraycopy(data, from, buffer, length, count);
    length += count;
  }

  private void ensure(int capacity) {
    if (capacity > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(capacity, 2L * buffer.length), Math.max(capacity, maxRecord + 1L)));
    }
  }

  private String text() {
    return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static String join(String first, String second) {
    if (first == null) {
      return second;
    }
    return second == null ? first : first + "; " + second;
  }
}
