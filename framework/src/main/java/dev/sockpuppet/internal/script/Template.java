package dev.sockpuppet.internal.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text to send, with {@code ${1}} or {@code ${name}} standing for a group of the latest regex
 * expect; {@code $${} sends a literal {@code ${}. References are checked when the script is built,
 * against the groups that regex has, so a typo fails in the test's first line, not mid-run.
 */
public final class Template {
  private final String source;
  /** Literal text at even indexes, group references at odd ones. */
  private final List<String> parts;

  private Template(String source, List<String> parts) {
    this.source = source;
    this.parts = parts;
  }

  /**
   * @param groups the groups of the latest regex expect before this send (numbers and names), or
   *     null if there is none
   * @throws IllegalArgumentException naming a reference that no group answers
   */
  public static Template parse(String source, Set<String> groups) {
    List<String> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (source.startsWith("${", i)) {
        int close = source.indexOf('}', i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("\"" + source + "\" has an unclosed ${ at index " + i + " (write $${ for a literal ${)");
        }
        String reference = source.substring(i + 2, close);
        if (groups == null) {
          throw new IllegalArgumentException(
              "\"" + source + "\" refers to ${" + reference + "}, but no regex expect comes before it"
                  + " (write $${ for a literal ${)");
        }
        if (!groups.contains(reference)) {
          throw new IllegalArgumentException(
              "\"" + source + "\" refers to ${" + reference + "}, which the latest regex expect does not have;"
                  + " it has " + describe(groups));
        }
        parts.add(literal.toString());
        parts.add(reference);
        literal.setLength(0);
        i = close + 1;
      } else {
        literal.append(source.charAt(i));
        i++;
      }
    }
    parts.add(literal.toString());
    return new Template(source, List.copyOf(parts));
  }

  /** The text with every reference replaced by what its group captured. */
  public String fill(Map<String, String> captures) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      out.append(i % 2 == 0 ? parts.get(i) : captures.getOrDefault(parts.get(i), ""));
    }
    return out.toString();
  }

  /** Whether the text refers to any capture. */
  public boolean hasReferences() {
    return parts.size() > 1;
  }

  @Override
  public String toString() {
    return source;
  }

  private static String describe(Set<String> groups) {
    List<String> sorted = new ArrayList<>(groups);
    sorted.sort((a, b) -> {
      boolean aNumber = a.chars().allMatch(Character::isDigit);
      boolean bNumber = b.chars().allMatch(Character::isDigit);
      if (aNumber && bNumber) {
        return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
      }
      return aNumber ? -1 : bNumber ? 1 : a.compareTo(b);
    });
    List<String> shown = new ArrayList<>();
    for (String group : sorted) {
      shown.add("${" + group + "}");
    }
    return String.join(", ", shown);
  }
}
