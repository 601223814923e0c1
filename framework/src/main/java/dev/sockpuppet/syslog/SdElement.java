package dev.sockpuppet.syslog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SD-ELEMENT of an RFC 5424 message: {@code [exampleSDID@32473 iut="3" eventSource="App"]}.
 *
 * <pre>{@code
 * SdElement origin = message.structuredData().get(0);
 * origin.id();             // "exampleSDID@32473"
 * origin.param("iut");     // Optional["3"]
 * }</pre>
 *
 * @param id the SD-ID
 * @param params the SD-PARAMs in the order they were written; RFC 5424 lets a name repeat, so
 *     this is a list, not a map. Unmodifiable.
 */
public record SdElement(String id, List<SdParam> params) {
  /** Copies {@code params}, so the element never changes. */
  public SdElement {
    Objects.requireNonNull(id, "id");
    params = List.copyOf(params);
  }

  /** The value of the first parameter called {@code name}, or empty if there is none. */
  public Optional<String> param(String name) {
    Objects.requireNonNull(name, "name");
    for (SdParam param : params) {
      if (param.name().equals(name)) {
        return Optional.of(param.value());
      }
    }
    return Optional.empty();
  }

  /** The element as RFC 5424 writes it, e.g. {@code [origin ip="10.0.0.1"]}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("[").append(id);
    for (SdParam param : params) {
      out.append(' ').append(param);
    }
    return out.append(']').toString();
  }
}
