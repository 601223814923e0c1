package dev.sockpuppet.internal;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A list that only grows at its end, kept in fixed-size chunks. A recording of a flood holds
 * millions of entries; an {@link ArrayList} would copy its ever larger array at each growth and
 * leave the old one as garbage, and past a few megabytes G1 allocates such arrays as humongous
 * objects, which start collections of their own. Here nothing is copied but the first chunk, which
 * starts small and doubles to full size: most connections record a few chunks, and a fake holding
 * ten thousand of them should not pay a 1,024-slot array each.
 *
 * <p>Not thread-safe: its owners guard it with their own lock. Nulls are allowed, as in a list.
 */
public final class AppendOnlyList<E> extends AbstractList<E> implements RandomAccess {
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;
  /** Capacity of the first chunk when the first element arrives. */
  private static final int FIRST_CAPACITY = 8;

  private final List<Object[]> chunks = new ArrayList<>();
  private int size;

  @Override
  public boolean add(E element) {
    int slot = size & (CHUNK - 1);
    if (slot == 0) {
      chunks.add(new Object[chunks.isEmpty() ? FIRST_CAPACITY : CHUNK]);
    } else if (size < CHUNK && size == chunks.get(0).length) {
      chunks.set(0, Arrays.copyOf(chunks.get(0), Math.min(CHUNK, size * 2)));
    }
    chunks.get(size >>> CHUNK_BITS)[slot] = element;
    size++;
    modCount++;
    return true;
  }

  /**
   * Drops the elements from {@code index} on: the one removal there is, for a recording that takes
   * back the end of a write that did not leave. Emptied chunks are let go.
   */
  public void truncate(int index) {
    java.util.Objects.checkIndex(index, size + 1);
    for (int i = index; i < size; i++) {
      chunks.get(i >>> CHUNK_BITS)[i & (CHUNK - 1)] = null; // nothing stays reachable through the list
    }
    size = index;
    int kept = (size + CHUNK - 1) >>> CHUNK_BITS;
    chunks.subList(kept, chunks.size()).clear();
    modCount++;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    java.util.Objects.checkIndex(index, size);
    return (E) chunks.get(index >>> CHUNK_BITS)[index & (CHUNK - 1)];
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Object[] toArray() {
    Object[] all = new Object[size];
    for (int from = 0; from < size; from += CHUNK) {
      System.arraycopy(chunks.get(from >>> CHUNK_BITS), 0, all, from, Math.min(CHUNK, size - from));
    }
    return all;
  }
}
