package dev.sockpuppet.junit.internal;

import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.datagram.DatagramResponder;
import dev.sockpuppet.junit.ResponderType;
import dev.sockpuppet.junit.ScriptProvider;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Turns the behaviour attributes that stream-server annotations share ({@code responder}, {@code
 * handler}, {@code script}, {@code scriptsPerConnection}, {@code reply}, {@code replyAndClose},
 * {@code lines}) into a {@link Responder}, a {@link Handler} or {@link Script}s; and those of the
 * datagram-server annotations ({@code responder}, {@code reply}) into a {@link DatagramResponder}.
 */
final class Behaviours {
  /** Separates the line a rule matches from its reply: {@code "PING -> PONG"}. */
  static final String ARROW = " -> ";

  private Behaviours() {}

  /** The behaviour attributes of one annotation. */
  record Attributes(
      ResponderType type,
      Class<? extends Handler> handler,
      Class<? extends ScriptProvider> script,
      Class<? extends ScriptProvider>[] scriptsPerConnection,
      boolean unfinishedScriptsAllowed,
      String reply,
      String replyAndClose,
      String[] lines) {}

  /** What the attributes configure: a stream fake's {@code with…} methods. */
  interface Target {
    void responder(Responder responder);

    void handler(Handler handler);

    /** One script for every connection ({@code forEvery}) or one per connection in order. */
    void scripts(boolean forEvery, List<Script> scripts);

    void unfinishedScriptsAllowed();
  }

  /** A target over a stream fake's {@code with…} methods. */
  static Target target(
      Consumer<Responder> withResponder,
      Consumer<Handler> withHandler,
      Consumer<Script> withScript,
      BiConsumer<Script, Script[]> withScripts,
      Runnable withUnfinishedScriptsAllowed) {
    return new Target() {
      @Override
      public void responder(Responder responder) {
        withResponder.accept(responder);
      }

      @Override
      public void handler(Handler handler) {
        withHandler.accept(handler);
      }

      @Override
      public void scripts(boolean forEvery, List<Script> scripts) {
        if (forEvery) {
          withScript.accept(scripts.get(0));
        } else {
          withScripts.accept(scripts.get(0), scripts.subList(1, scripts.size()).toArray(new Script[0]));
        }
      }

      @Override
      public void unfinishedScriptsAllowed() {
        withUnfinishedScriptsAllowed.run();
      }
    };
  }

  /**
   * Configures the behaviour the attributes ask for; with none set, the fake keeps its default
   * (record only).
   *
   * @throws ExtensionConfigurationException if more than one behaviour is set, a line rule is
   *     malformed, or a handler or script class cannot be instantiated
   */
  static void configure(String origin, Attributes attributes, Target target) {
    boolean hasHandler = attributes.handler() != Handler.class;
    boolean hasScript = attributes.script() != ScriptProvider.class;
    List<String> chosen = new ArrayList<>();
    if (attributes.type() != ResponderType.SINK) {
      chosen.add("responder = " + attributes.type());
    }
    if (hasHandler) {
      chosen.add("handler");
    }
    if (hasScript) {
      chosen.add("script");
    }
    if (attributes.scriptsPerConnection().length > 0) {
      chosen.add("scriptsPerConnection");
    }
    if (!attributes.reply().isEmpty()) {
      chosen.add("reply");
    }
    if (!attributes.replyAndClose().isEmpty()) {
      chosen.add("replyAndClose");
    }
    if (attributes.lines().length > 0) {
      chosen.add("lines");
    }
    if (chosen.size() > 1) {
      throw new ExtensionConfigurationException(
          origin + " sets " + String.join(" and ", chosen) + "; a fake has one behaviour, so set only one of them");
    }
    if (attributes.type() == ResponderType.ECHO) {
      target.responder(Responder.echo());
    } else if (hasHandler) {
      target.handler(instantiate(attributes.handler(), "handler", Handler.class, origin));
    } else if (hasScript) {
      target.scripts(true, List.of(script(attributes.script(), "script", origin)));
    } else if (attributes.scriptsPerConnection().length > 0) {
      List<Script> scripts = new ArrayList<>();
      for (Class<? extends ScriptProvider> type : attributes.scriptsPerConnection()) {
        scripts.add(script(type, "scriptsPerConnection", origin));
      }
      target.scripts(false, scripts);
    } else if (!attributes.reply().isEmpty()) {
      target.responder(Responder.reply(attributes.reply()));
    } else if (!attributes.replyAndClose().isEmpty()) {
      target.responder(Responder.replyAndClose(attributes.replyAndClose()));
    } else if (attributes.lines().length > 0) {
      target.responder(Responder.lines(lineRules(attributes.lines(), origin)));
    }
    if (attributes.unfinishedScriptsAllowed()) {
      target.unfinishedScriptsAllowed();
    }
  }

  /**
   * Configures the datagram behaviour that {@code responder}, {@code reply} and {@code script} ask
   * for; with none set, the fake keeps its default (record only).
   *
   * @throws ExtensionConfigurationException if more than one is set, the script class cannot be
   *     instantiated, or its script has a step a datagram fake cannot play
   */
  static void configureDatagram(
      String origin, ResponderType type, String reply, Class<? extends ScriptProvider> script,
      boolean unfinishedScriptsAllowed, Consumer<DatagramResponder> withResponder, Consumer<Script> withScript,
      Runnable withUnfinishedScriptsAllowed) {
    boolean hasScript = script != ScriptProvider.class;
    List<String> chosen = new ArrayList<>();
    if (type != ResponderType.SINK) {
      chosen.add("responder = " + type);
    }
    if (!reply.isEmpty()) {
      chosen.add("reply");
    }
    if (hasScript) {
      chosen.add("script");
    }
    if (chosen.size() > 1) {
      throw new ExtensionConfigurationException(
          origin + " sets " + String.join(" and ", chosen) + "; a fake has one behaviour, so set only one of them");
    }
    if (type == ResponderType.ECHO) {
      withResponder.accept(DatagramResponder.echo());
    } else if (!reply.isEmpty()) {
      withResponder.accept(DatagramResponder.reply(reply));
    } else if (hasScript) {
      Script made = script(script, "script", origin);
      Configure.attribute(origin, "script", () -> withScript.accept(made));
    }
    if (unfinishedScriptsAllowed) {
      withUnfinishedScriptsAllowed.run();
    }
  }

  private static Script script(Class<? extends ScriptProvider> type, String attribute, String origin) {
    Script script;
    try {
      script = instantiate(type, attribute, ScriptProvider.class, origin).script();
    } catch (ExtensionConfigurationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ExtensionConfigurationException(
          origin + " has " + attribute + " = " + type.getName() + ", whose script() threw " + e, e);
    }
    if (script == null) {
      throw new ExtensionConfigurationException(
          origin + " has " + attribute + " = " + type.getName() + ", whose script() returned null");
    }
    return script;
  }

  /**
   * One handler or script provider for one fake, through the class's constructor without
   * parameters (private is fine: the class is often a private nested class of the test).
   */
  private static <T> T instantiate(Class<? extends T> type, String attribute, Class<T> kind, String origin) {
    String what = origin + " has " + attribute + " = " + type.getName();
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new ExtensionConfigurationException(
          what + ", which is abstract; name a concrete class that implements " + kind.getSimpleName());
    }
    if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
      // Its constructor takes the enclosing instance, which the extension does not have.
      throw new ExtensionConfigurationException(
          what + ", an inner class, which needs an instance of " + type.getEnclosingClass().getName()
              + " to be created; declare it static");
    }
    Constructor<? extends T> constructor;
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
          what + ", whose constructor threw " + thrown + "; fix the constructor so that it can create a "
              + kind.getSimpleName().toLowerCase(Locale.ROOT).replace("provider", " provider"),
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
