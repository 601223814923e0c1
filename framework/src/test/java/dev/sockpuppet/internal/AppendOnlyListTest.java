package dev.sockpuppet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chunked list behaves as an ArrayList that only grows, across chunk borders. */
class AppendOnlyListTest {
  @Test
  void behavesAsAnArrayListAcrossChunkBorders() {
    for (int count : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
      List<Integer> expected = new ArrayList<>();
      AppendOnlyList<Integer> list = new AppendOnlyList<>();
      for (int i = 0; i < count; i++) {
        expected.add(i);
        list.add(i);
      }
      assertEquals(expected, list, count + " elements");
      assertEquals(expected.hashCode(), list.hashCode());
      assertArrayEquals(expected.toArray(), list.toArray());
      assertEquals(expected, List.copyOf(list));
      assertEquals(expected.subList(count / 2, count), list.subList(count / 2, count));
      assertThrows(IndexOutOfBoundsException.class, () -> list.get(count));
      assertThrows(IndexOutOfBoundsException.class, () -> list.get(-1));
    }
  }

  @Test
  void onlyGrowsAtTheEnd() {
    AppendOnlyList<String> list = new AppendOnlyList<>();
    list.add("a");
    assertThrows(UnsupportedOperationException.class, () -> list.add(0, "b"));
    assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
    assertThrows(UnsupportedOperationException.class, () -> list.set(0, "b"));
    assertEquals(List.of("a"), list);
  }

  @Test
  void truncateDropsTheTailAcrossChunkBordersAndGrowsAgain() {
    for (int count : new int[] {1, 1024, 1025, 3000}) {
      for (int keep : new int[] {0, 1, count / 2, count - 1, count}) {
        List<Integer> expected = new ArrayList<>();
        AppendOnlyList<Integer> list = new AppendOnlyList<>();
        for (int i = 0; i < count; i++) {
          expected.add(i);
          list.add(i);
        }
        list.truncate(keep);
        expected.subList(keep, count).clear();
        assertEquals(expected, list, count + " elements truncated to " + keep);
        for (int i = 0; i < 1100; i++) {
          expected.add(-i);
          list.add(-i);
        }
        assertEquals(expected, list, count + " elements truncated to " + keep + " and grown again");
      }
    }
    AppendOnlyList<String> list = new AppendOnlyList<>();
    list.add("a");
    assertThrows(IndexOutOfBoundsException.class, () -> list.truncate(2));
    assertThrows(IndexOutOfBoundsException.class, () -> list.truncate(-1));
  }
}
