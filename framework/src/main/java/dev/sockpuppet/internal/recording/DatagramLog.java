package dev.sockpuppet.internal.recording;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.internal.Access;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The datagrams of one recording, kept without an object per datagram. A flood records millions,
 * and a {@link Datagram} held for each (with its {@link Duration}, its {@link Bytes}, the bytes'
 * segment array, offsets and segment: six objects) is what young collections copied again and
 * again until it was tenured. Here each datagram is a row in pages of primitive arrays: its time,
 * direction, where its bytes are (a slab of the recorder and an offset, or a position in the spill
 * file) and its two addresses, which are references to an earlier equal address when there is one
 * (a program sends from one address, so a flood holds one address object, not one a datagram).
 * {@link Datagram} values are made when asked for, equal to the ones handed out when recorded.
 *
 * <p>Not thread-safe: {@link TrafficRecord} guards it. A {@link #snapshot()} may be read by any
 * thread once taken under that guard.
 */
final class DatagramLog {
  private static final int PAGE_BITS = 10;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final Direction[] DIRECTIONS = Direction.values();

  /** One page of rows; a row is written once, before the guard that publishes it is released. */
  private static final class Page {
    final long[] atNanos = new long[PAGE];
    /** Offset in the slab, or position in the spill file. */
    final long[] position = new long[PAGE];
    final int[] length = new int[PAGE];
    final byte[] direction = new byte[PAGE];
    /** The slab ({@code byte[]}) or the {@link SpillFile} holding the bytes; null when there are none. */
    final Object[] store = new Object[PAGE];
    final SocketAddress[] sender = new SocketAddress[PAGE];
    final SocketAddress[] receiver = new SocketAddress[PAGE];
  }

  private final List<Page> pages = new ArrayList<>();
  private int size;
  private SocketAddress lastSender;
  private SocketAddress lastReceiver;

  int size() {
    return size;
  }

  /**
   * Appends a datagram and returns its index.
   *
   * @param bytesOrNull where the recorder stored the payload; null for an empty datagram
   */
  int add(Direction direction, SocketAddress sender, SocketAddress receiver, Segment bytesOrNull, long atNanos) {
    int index = size;
    int slot = index & (PAGE - 1);
    if (slot == 0) {
      pages.add(new Page());
    }
    Page page = pages.get(index >>> PAGE_BITS);
    page.atNanos[slot] = atNanos;
    page.direction[slot] = (byte) direction.ordinal();
    if (bytesOrNull instanceof Segment.InMemory memory) {
      page.store[slot] = memory.array();
      page.position[slot] = memory.offset();
      page.length[slot] = memory.length();
    } else if (bytesOrNull instanceof Segment.Spilled spilled) {
      page.store[slot] = spilled.file();
      page.position[slot] = spilled.position();
      page.length[slot] = spilled.length();
    }
    lastSender = Objects.equals(sender, lastSender) ? lastSender : sender;
    lastReceiver = Objects.equals(receiver, lastReceiver) ? lastReceiver : receiver;
    page.sender[slot] = lastSender;
    page.receiver[slot] = lastReceiver;
    size = index + 1;
    return index;
  }

  /**
   * The datagrams recorded so far, as an unmodifiable list of fixed size that makes each {@link
   * Datagram} when read. Take it under the guard; read it from any thread.
   */
  List<Datagram> snapshot() {
    return new Snapshot(pages.toArray(new Page[0]), size);
  }

  /** The payload of a datagram in {@code page}'s {@code slot}, as {@link Bytes} over the recording. */
  private static Bytes bytes(Page page, int slot) {
    Object store = page.store[slot];
    int length = page.length[slot];
    Segment segment;
    if (store instanceof byte[] slab) {
      segment = new Segment.InMemory(slab, (int) page.position[slot], length);
    } else if (store instanceof SpillFile file) {
      segment = new Segment.Spilled(file, page.position[slot], length);
    } else {
      return Bytes.empty();
    }
    return Access.bytes().of(new Segment[] {segment});
  }

  private static final class Snapshot extends AbstractList<Datagram> implements RandomAccess {
    private final Page[] pages;
    private final int size;

    Snapshot(Page[] pages, int size) {
      this.pages = pages;
      this.size = size;
    }

    @Override
    public Datagram get(int index) {
      Objects.checkIndex(index, size);
      Page page = pages[index >>> PAGE_BITS];
      int slot = index & (PAGE - 1);
      return new Datagram(
          index, DIRECTIONS[page.direction[slot]], page.sender[slot], page.receiver[slot], bytes(page, slot),
          Duration.ofNanos(page.atNanos[slot]));
    }

    @Override
    public int size() {
      return size;
    }
  }
}
