package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.fifo.FifoPair;
import dev.sockpuppet.junit.WithFifoPair;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@link WithFifoPair} → a configured {@link FifoPair}. */
final class FifoPairKind extends FakeKind<WithFifoPair> {
  FifoPairKind() {
    super(WithFifoPair.class, FifoPair.class, "fifo");
  }

  @Override
  protected Common common(WithFifoPair annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithFifoPair annotation, Declaration declaration, Settings settings) {
    String origin = declaration.origin();
    FifoPair pair = FifoPair.create();
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        pair::withName, pair::withTimeout, pair::withMemoryLimit);
    if (!annotation.permissions().isEmpty()) {
      Configure.attribute(origin, "permissions", () -> pair.withPermissions(annotation.permissions()));
    }
    if (!annotation.baseDirectory().isEmpty()) {
      Path base = Path.of(annotation.baseDirectory());
      if (!Files.isDirectory(base)) {
        throw new ExtensionConfigurationException(
            origin + " has baseDirectory = \"" + base + "\", which is not a directory; create it first or leave it out");
      }
      pair.withBaseDirectory(base);
    }
    Behaviours.configure(
        origin,
        new Behaviours.Attributes(
            annotation.responder(), annotation.handler(), annotation.script(), noScripts(),
            annotation.unfinishedScriptsAllowed(), annotation.reply(), "", annotation.lines()),
        Behaviours.target(
            pair::withResponder, pair::withHandler, pair::withScript,
            (first, rest) -> pair.withScript(first), pair::withUnfinishedScriptsAllowed));
    return pair;
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // an empty array of a generic type can only be made raw
  private static Class<? extends dev.sockpuppet.junit.ScriptProvider>[] noScripts() {
    return new Class[0];
  }

  @Override
  protected String propertyValue(WithFifoPair annotation, Fake started) {
    return ((FifoPair) started).directory().toString();
  }
}
