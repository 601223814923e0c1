package dev.sockpuppet.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The hand-written JSON: escapes, and previews of bytes that are not all valid UTF-8. */
class JsonTest {
  @Test
  void stringsEscapeQuotesBackslashesControlCharactersAndLoneSurrogates() throws IOException {
    StringWriter out = new StringWriter();
    new Json(out).string("a\"b\\c\n\r\t\b\f\u0000\u001f\u007f\u2028é😀\ud800x\udc00");
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\\u2028é😀\\ud800x\\udc00\"", out.toString());
  }

  @Test
  void previewsKeepValidUtf8AndShowEveryOtherByteAsHex() {
    assertEquals("PING\r\n", Json.preview("PING\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("café 😀", Json.preview("café 😀".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    // A lone continuation byte, an overlong '/', a surrogate, a cut sequence, a byte never in UTF-8.
    byte[] bad = {(byte) 0x80, (byte) 0xC0, (byte) 0xAF, (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'x', (byte) 0xE2, (byte) 0x82, (byte) 0xFF};
    assertEquals("\\x80\\xc0\\xaf\\xed\\xa0\\x80x\\xe2\\x82\\xff", Json.preview(bad));
    // A backslash in the data is doubled, so "\x41" in a preview is never the byte 0x41's escape.
    assertEquals("\\\\x41", Json.preview("\\x41".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
