package dev.sockpuppet.internal.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blocked column behaves as a growable long array across block borders. */
class LongColumnTest {
  @Test
  void addGetSetAndTruncateAcrossBlockBorders() {
    LongColumn column = new LongColumn();
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 3000; i++) {
      column.add(i * 3);
      expected.add(i * 3);
    }
    column.set(1024, -7);
    expected.set(1024, -7L);
    column.truncate(1500);
    expected.subList(1500, expected.size()).clear();
    for (long i = 0; i < 700; i++) {
      column.add(i);
      expected.add(i);
    }
    assertEquals(expected.size(), column.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), column.get(i), "value " + i);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> column.get(expected.size()));
    assertThrows(IndexOutOfBoundsException.class, () -> column.set(-1, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> column.truncate(expected.size() + 1));
  }

  @Test
  void aShortColumnHoldsASmallArrayAndGrowsToFullBlocks() {
    LongColumn column = new LongColumn();
    assertEquals(0, column.capacity());
    column.add(1);
    column.add(2);
    column.add(3);
    // A connection that records three chunks must not pay for a 1,024-value block per column.
    assertTrue(column.capacity() <= 16, "capacity " + column.capacity());
    for (long i = 3; i < 1025; i++) {
      column.add(i + 1);
    }
    assertEquals(2 * 1024, column.capacity(), "a full first block and a second one");
    for (int i = 0; i < 1025; i++) {
      assertEquals(i + 1, column.get(i), "value " + i);
    }
  }

  @Test
  void firstAboveFindsTheSegmentThatHoldsAnOffset() {
    LongColumn ends = new LongColumn();
    assertEquals(0, ends.firstAbove(0), "empty");
    for (long end = 10; end <= 30_000; end += 10) {
      ends.add(end); // segment i holds offsets [10 i, 10 i + 10)
    }
    assertEquals(0, ends.firstAbove(0));
    assertEquals(0, ends.firstAbove(9));
    assertEquals(1, ends.firstAbove(10));
    assertEquals(1500, ends.firstAbove(15_005));
    assertEquals(2999, ends.firstAbove(29_999));
    assertEquals(3000, ends.firstAbove(30_000), "past the end");
  }
}
