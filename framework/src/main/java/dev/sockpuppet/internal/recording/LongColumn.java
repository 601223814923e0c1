package dev.sockpuppet.internal.recording;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A growable column of {@code long}s kept in fixed-size blocks, for the per-chunk facts of a
 * recording. A plain array would be copied at each doubling, and a connection that records for a
 * while grows it to megabytes, which young collections then copy again; a block, once full, never
 * moves and is promoted once.
 *
 * <p>The first block starts small and doubles until it is full size: most connections record a
 * few chunks, and a fake holding ten thousand of them paid 48 KiB of heap each while every column
 * began with a whole block (three columns per direction).
 *
 * <p>Not thread-safe: its owner guards it with its own lock.
 */
final class LongColumn {
  private static final int BLOCK_BITS = 10;
  private static final int BLOCK = 1 << BLOCK_BITS;
  /** Capacity of the first block when the first value arrives. */
  private static final int FIRST_CAPACITY = 8;

  private final List<long[]> blocks = new ArrayList<>();
  private int size;

  int size() {
    return size;
  }

  void add(long value) {
    int slot = size & (BLOCK - 1);
    if (slot == 0 && (size >>> BLOCK_BITS) == blocks.size()) {
      blocks.add(new long[blocks.isEmpty() ? FIRST_CAPACITY : BLOCK]);
    } else if (size < BLOCK && size == blocks.get(0).length) {
      blocks.set(0, Arrays.copyOf(blocks.get(0), Math.min(BLOCK, size * 2)));
    }
    blocks.get(size >>> BLOCK_BITS)[slot] = value;
    size++;
  }

  /** The values the column can hold before it allocates again. */
  int capacity() {
    return blocks.isEmpty() ? 0 : (blocks.size() - 1) * BLOCK + blocks.get(blocks.size() - 1).length;
  }

  long get(int index) {
    Objects.checkIndex(index, size);
    return blocks.get(index >>> BLOCK_BITS)[index & (BLOCK - 1)];
  }

  void set(int index, long value) {
    Objects.checkIndex(index, size);
    blocks.get(index >>> BLOCK_BITS)[index & (BLOCK - 1)] = value;
  }

  /** Drops the values from {@code index} on; the blocks stay allocated for what is added next. */
  void truncate(int index) {
    Objects.checkIndex(index, size + 1);
    size = index;
  }

  /**
   * Index of the first value greater than {@code key}, or {@link #size()} if there is none; the
   * values must be in ascending order.
   */
  int firstAbove(long key) {
    int low = 0;
    int high = size;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (get(middle) <= key) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
