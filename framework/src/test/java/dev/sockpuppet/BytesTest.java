package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.recording.Segment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BytesTest {
  /** "hello world" split over three segments, as a recording would hold it. */
  private static final Bytes SPLIT =
      Access.bytes().of(
          new Segment[] {
            new Segment.InMemory("xhel".getBytes(), 1, 3),
            new Segment.InMemory("lo w".getBytes(), 0, 4),
            new Segment.InMemory("orld".getBytes(), 0, 4)
          });

  @Test
  void factoriesCopyTheirInput() {
    byte[] source = {1, 2, 3};
    Bytes bytes = Bytes.of(source);
    source[0] = 9;
    assertEquals(1, bytes.byteAt(0));
    byte[] copy = bytes.toByteArray();
    copy[1] = 9;
    assertEquals(2, bytes.byteAt(1), "toByteArray hands out a copy");
  }

  @Test
  void viewsAcrossSegments() {
    assertEquals(11, SPLIT.size());
    assertEquals("hello world", SPLIT.text());
    assertEquals("68656c6c6f20776f726c64", SPLIT.hex());
    assertEquals(Bytes.of("hello world"), SPLIT);
    assertEquals(Bytes.of("hello world").hashCode(), SPLIT.hashCode());
    assertEquals(Bytes.of("lo wo"), SPLIT.slice(3, 8));
    assertEquals(3, SPLIT.indexOf(Bytes.of("lo wo")));
    assertEquals(-1, SPLIT.indexOf(Bytes.of("low")));
    assertTrue(SPLIT.contains("o w"));
    assertTrue(SPLIT.startsWith(Bytes.of("hell")));
    assertTrue(SPLIT.endsWith(Bytes.of("rld")));
    assertEquals('w', SPLIT.byteAt(6));
    assertEquals(Bytes.of("hel"), SPLIT.first(3));
    assertEquals(Bytes.of("rld"), SPLIT.last(3));
  }

  @Test
  void indexOfFindsOverlappingPrefixesAndStartOffsets() {
    Bytes bytes = Bytes.of("aaab aaab");
    assertEquals(1, bytes.indexOf(Bytes.of("aab")));
    assertEquals(6, bytes.indexOf(Bytes.of("aab"), 2));
    assertEquals(0, bytes.indexOf(Bytes.empty()));
  }

  @Test
  void linesSplitOnLfAndDropCr() {
    assertEquals(List.of("a", "b", "", "c"), Bytes.of("a\r\nb\n\nc").lines());
    assertEquals(List.of("a"), Bytes.of("a\n").lines());
    assertEquals(List.of(), Bytes.empty().lines());
  }

  @Test
  void hexInputAcceptsCommonSeparators() {
    assertEquals(Bytes.of(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}), Bytes.ofHex("de:AD be-ef"));
    assertEquals(
        "hex text must have an even number of digits, got 3 in \"abc\"",
        assertThrows(IllegalArgumentException.class, () -> Bytes.ofHex("abc")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Bytes.ofHex("zz")).getMessage().startsWith("not hex: \"zz\""));
  }

  @Test
  void mismatchComparesAcrossDifferentlySplitSegments() {
    Bytes whole = Bytes.of("abcdefghijklmnopqrstuvwxyz");
    Bytes threes = Bytes.concat(Bytes.of("abc"), Bytes.of("def"), Bytes.of("ghi"), Bytes.of("jklmnopqrstuvwxyz"));
    Bytes uneven = Bytes.concat(Bytes.of("a"), Bytes.of("bcdefghij"), Bytes.of("kl"), Bytes.of("mnopqrstuvwxyz"));
    assertEquals(-1, whole.mismatch(threes));
    assertEquals(-1, threes.mismatch(uneven));
    assertEquals(-1, uneven.mismatch(whole));
    for (int at = 0; at < 26; at++) {
      byte[] changed = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
      changed[at] = '!';
      Bytes other = Bytes.concat(Bytes.of(changed, 0, at / 2), Bytes.of(changed, at / 2, 26 - at / 2));
      assertEquals(at, threes.mismatch(other), "changed at " + at);
      assertEquals(at, other.mismatch(uneven), "changed at " + at);
    }
    assertEquals(3, threes.mismatch(Bytes.of("abc")), "a prefix: the shorter one's size");
    assertEquals(0, Bytes.empty().mismatch(threes));
    assertEquals(-1, Bytes.empty().mismatch(Bytes.empty()));
  }

  @Test
  void mismatchFindsTheFirstDifference() {
    assertEquals(-1, SPLIT.mismatch(Bytes.of("hello world")));
    assertEquals(6, SPLIT.mismatch(Bytes.of("hello World")));
    assertEquals(5, Bytes.of("hello").mismatch(SPLIT));
    assertNotEquals(Bytes.of("hello"), SPLIT);
  }

  @Test
  void hexDumpShowsSixteenBytesARowWithAscii() {
    Bytes bytes = Bytes.of("GET / HTTP/1.1\r\nHost: x\r\n", StandardCharsets.US_ASCII);
    assertEquals(
        "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n"
            + "00000010  48 6f 73 74 3a 20 78 0d  0a                       |Host: x..|\n",
        bytes.hexDump());
  }

  @Test
  void toStringPreviewsEscapedText() {
    assertEquals("Bytes[6]\"PING\\r\\n\"", Bytes.of("PING\r\n").toString());
    assertEquals("Bytes[100]\"" + "x".repeat(64) + "\"…", Bytes.of("x".repeat(100)).toString());
  }

  @Test
  void inputStreamReadsEverything() throws IOException {
    assertArrayEquals("hello world".getBytes(), SPLIT.inputStream().readAllBytes());
    assertFalse(Bytes.empty().inputStream().read() >= 0);
  }

  @Test
  void concatJoinsWithoutCopying() {
    assertEquals(Bytes.of("hello worldhello world"), Bytes.concat(SPLIT, SPLIT));
    assertTrue(Bytes.concat().isEmpty());
  }
}
