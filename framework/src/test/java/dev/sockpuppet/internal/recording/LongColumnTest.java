package dev.sockpuppet.internal.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
