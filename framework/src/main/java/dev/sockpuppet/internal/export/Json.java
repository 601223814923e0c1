package dev.sockpuppet.internal.export;

import dev.sockpuppet.internal.Utf8;
import java.io.IOException;
import java.io.Writer;

/** Just enough JSON writing for one flat object a line: strings escaped as RFC 8259 asks. */
final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Writer out;

  Json(Writer out) {
    this.out = out;
  }

  /** Starts an object with its {@code type} and {@code fake}. */
  void begin(String type, String fake) throws IOException {
    out.write("{\"type\":");
    string(type);
    field("fake", fake);
  }

  /** Ends the object and its line. */
  void end() throws IOException {
    out.write("}\n");
  }

  void field(String name, String value) throws IOException {
    name(name);
    if (value == null) {
      out.write("null");
    } else {
      string(value);
    }
  }

  void field(String name, long value) throws IOException {
    name(name);
    out.write(Long.toString(value));
  }

  void field(String name, boolean value) throws IOException {
    name(name);
    out.write(value ? "true" : "false");
  }

  /** Text written as it is: the caller makes it valid JSON. */
  void raw(String text) throws IOException {
    out.write(text);
  }

  /**
   * A JSON string: quote, backslash and every control character escaped, and a lone surrogate (a
   * Java string can hold one, JSON text cannot be UTF-8 with one) as {@code \\uXXXX}.
   */
  void string(String value) throws IOException {
    out.write('"');
    int length = value.length();
    int plain = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      String escape = null;
      if (c == '"') {
        escape = "\\\"";
      } else if (c == '\\') {
        escape = "\\\\";
      } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
        escape = switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          default -> unicode(c);
        };
      } else if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c)
            ? i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))
            : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
        if (!paired) {
          escape = unicode(c);
        }
      }
      if (escape != null) {
        out.write(value, plain, i - plain);
        out.write(escape);
        plain = i + 1;
      }
    }
    out.write(value, plain, length - plain);
    out.write('"');
  }

  private void name(String name) throws IOException {
    out.write(',');
    string(name);
    out.write(':');
  }

  private static String unicode(char c) {
    return "\\u" + HEX[c >> 12 & 0xF] + HEX[c >> 8 & 0xF] + HEX[c >> 4 & 0xF] + HEX[c & 0xF];
  }

  /**
   * A readable preview of {@code bytes}: valid UTF-8 decoded, every byte that is not part of a valid
   * UTF-8 sequence written as {@code \xNN}, and a backslash doubled, so the preview is never
   * ambiguous. Control characters stay themselves (the JSON string escapes them).
   */
  static String preview(byte[] bytes) {
    StringBuilder text = new StringBuilder(bytes.length + 16);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xFF;
      if (b == '\\') {
        text.append("\\\\");
        i++;
        continue;
      }
      if (b < 0x80) {
        text.append((char) b);
        i++;
        continue;
      }
      int length = Utf8.sequenceLength(bytes, i, bytes.length);
      if (length == 0) {
        text.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xF]);
        i++;
        continue;
      }
      text.append(new String(bytes, i, length, java.nio.charset.StandardCharsets.UTF_8));
      i += length;
    }
    return text.toString();
  }
}
