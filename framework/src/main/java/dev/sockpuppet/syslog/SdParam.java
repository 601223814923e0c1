package dev.sockpuppet.syslog;

import java.util.Objects;

/**
 * One SD-PARAM of an RFC 5424 structured-data element: {@code name="value"}.
 *
 * @param name the PARAM-NAME
 * @param value the PARAM-VALUE with its escapes ({@code \"}, {@code \\}, {@code \]}) undone; a
 *     backslash before any other character is kept, as RFC 5424 §6.3.3 says
 */
public record SdParam(String name, String value) {
  /** Checks that neither part is null. */
  public SdParam {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /** {@code name="value"} with the value escaped again as RFC 5424 writes it. */
  @Override
  public String toString() {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]") + "\"";
  }
}
