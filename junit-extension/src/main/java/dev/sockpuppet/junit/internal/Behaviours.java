package dev.sockpuppet.junit.internal;

import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.junit.ResponderType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Turns the behaviour attributes that stream-server annotations share ({@code responder}, {@code
 * reply}, {@code replyAndClose}, {@code lines}) into a {@link Responder}.
 */
final class Behaviours {
  /** Separates the line a rule matches from its reply: {@code "PING -> PONG"}. */
  static final String ARROW = " -> ";

  private Behaviours() {}

  /**
   * The responder the attributes ask for, or empty for the server's default (record only).
   *
   * @throws ExtensionConfigurationException if more than one behaviour is set, or a line rule is
   *     malformed
   */
  static Optional<Responder> responder(
      ResponderType type, String reply, String replyAndClose, String[] lines, String origin) {
    List<String> chosen = new ArrayList<>();
    if (type != ResponderType.SINK) {
      chosen.add("responder = " + type);
    }
    if (!reply.isEmpty()) {
      chosen.add("reply");
    }
    if (!replyAndClose.isEmpty()) {
      chosen.add("replyAndClose");
    }
    if (lines.length > 0) {
      chosen.add("lines");
    }
    if (chosen.size() > 1) {
      throw new ExtensionConfigurationException(
          origin + " sets " + String.join(" and ", chosen) + "; a fake has one behaviour, so set only one of them");
    }
    if (type == ResponderType.ECHO) {
      return Optional.of(Responder.echo());
    }
    if (!reply.isEmpty()) {
      return Optional.of(Responder.reply(reply));
    }
    if (!replyAndClose.isEmpty()) {
      return Optional.of(Responder.replyAndClose(replyAndClose));
    }
    if (lines.length > 0) {
      return Optional.of(Responder.lines(lineRules(lines, origin)));
    }
    return Optional.empty();
  }

  private static LineRules lineRules(String[] lines, String origin) {
    LineRules rules = LineRules.create();
    for (String rule : lines) {
      int arrow = rule.indexOf(ARROW);
      String when;
      String reply;
      if (arrow >= 0) {
        when = rule.substring(0, arrow);
        reply = rule.substring(arrow + ARROW.length());
      } else if (rule.endsWith(" ->")) {
        // "NOOP ->": the trailing space of the arrow has nowhere to go, so accept it without one.
        when = rule.substring(0, rule.length() - 3);
        reply = "";
      } else {
        throw new ExtensionConfigurationException(
            origin + " has the line rule \"" + rule + "\" without \"" + ARROW.strip() + "\"; write rules like "
                + "\"PING -> PONG\", \"/GET (\\\\w+)/ -> VALUE $1\" or \"NOOP ->\"");
      }
      LineRules.When condition;
      try {
        boolean regex = when.length() >= 2 && when.startsWith("/") && when.endsWith("/");
        condition = regex ? rules.whenMatches(when.substring(1, when.length() - 1)) : rules.when(when);
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException(origin + " has the line rule \"" + rule + "\": " + e.getMessage(), e);
      }
      rules = reply.isEmpty() ? condition.ignore() : condition.reply(reply);
    }
    return rules;
  }
}
