package dev.sockpuppet.junit.internal;

import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.junit.ResponderType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Turns the behaviour attributes that stream-server annotations share ({@code responder}, {@code
 * handler}, {@code reply}, {@code replyAndClose}, {@code lines}) into a {@link Responder} or a
 * {@link Handler}.
 */
final class Behaviours {
  /** Separates the line a rule matches from its reply: {@code "PING -> PONG"}. */
  static final String ARROW = " -> ";

  private Behaviours() {}

  /**
   * Configures the behaviour the attributes ask for; with none set, the fake keeps its default
   * (record only).
   *
   * @param handler {@code Handler.class} (the annotation's default) for none
   * @throws ExtensionConfigurationException if more than one behaviour is set, a line rule is
   *     malformed, or the handler class cannot be instantiated
   */
  static void configure(
      String origin,
      ResponderType type,
      Class<? extends Handler> handler,
      String reply,
      String replyAndClose,
      String[] lines,
      Consumer<Responder> withResponder,
      Consumer<Handler> withHandler) {
    boolean hasHandler = handler != Handler.class;
    List<String> chosen = new ArrayList<>();
    if (type != ResponderType.SINK) {
      chosen.add("responder = " + type);
    }
    if (hasHandler) {
      chosen.add("handler");
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
      withResponder.accept(Responder.echo());
    } else if (hasHandler) {
      withHandler.accept(instantiate(handler, origin));
    } else if (!reply.isEmpty()) {
      withResponder.accept(Responder.reply(reply));
    } else if (!replyAndClose.isEmpty()) {
      withResponder.accept(Responder.replyAndClose(replyAndClose));
    } else if (lines.length > 0) {
      withResponder.accept(Responder.lines(lineRules(lines, origin)));
    }
  }

  /**
   * One handler for one fake, through the class's constructor without parameters (private is
   * fine: the class is often a private nested class of the test).
   */
  private static Handler instantiate(Class<? extends Handler> type, String origin) {
    String what = origin + " has handler = " + type.getName();
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new ExtensionConfigurationException(
          what + ", which is abstract; name a concrete class that implements Handler");
    }
    if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
      // Its constructor takes the enclosing instance, which the extension does not have.
      throw new ExtensionConfigurationException(
          what + ", an inner class, which needs an instance of " + type.getEnclosingClass().getName()
              + " to be created; declare it static");
    }
    Constructor<? extends Handler> constructor;
    try {
      constructor = type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new ExtensionConfigurationException(
          what + ", which has no constructor without parameters; add one (it may be private), or build the "
              + "fake yourself and hold it in a @ManagedFake field",
          e);
    }
    try {
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      Throwable thrown = e.getCause();
      throw new ExtensionConfigurationException(
          what + ", whose constructor threw " + thrown + "; fix the constructor so that it can create a handler",
          thrown);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // InaccessibleObjectException (a module that does not open the package) and a failing static
      // initializer (ExceptionInInitializerError) land here.
      throw new ExtensionConfigurationException(
          what + ", which could not be created: " + e + "; make its constructor reachable (for a class in a "
              + "named module, open its package to the Sockpuppet JUnit extension)",
          e);
    }
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
