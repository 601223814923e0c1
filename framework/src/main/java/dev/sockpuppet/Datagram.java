package dev.sockpuppet;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One datagram that crossed a fake, whole: datagram fakes record every datagram up to the 64 KiB
 * maximum without truncating it.
 *
 * @param index position among the fake's datagrams (both directions), starting at 0
 * @param direction whether the fake received or sent it
 * @param sender the address it came from (the program's for received datagrams); may be an
 *     unnamed address for Unix datagram sockets that did not bind one
 * @param receiver the address it went to
 * @param bytes its payload; may be empty (a zero-length datagram is a datagram)
 * @param at time since the recording began, on a monotonic clock
 */
public record Datagram(int index, Direction direction, SocketAddress sender, SocketAddress receiver, Bytes bytes, Duration at) {
  public Datagram {
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative: " + index);
    }
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(at, "at");
  }

  /** Number of bytes in the payload. */
  public long size() {
    return bytes.size();
  }
}
