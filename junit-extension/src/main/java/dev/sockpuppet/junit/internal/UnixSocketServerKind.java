package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.WithUnixSocketServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@link WithUnixSocketServer} → a configured {@link UnixSocketServer}. */
final class UnixSocketServerKind extends FakeKind<WithUnixSocketServer> {
  UnixSocketServerKind() {
    super(WithUnixSocketServer.class, UnixSocketServer.class, "unix");
  }

  @Override
  protected Common common(WithUnixSocketServer annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithUnixSocketServer annotation, Declaration declaration, Settings settings) {
    String origin = declaration.origin();
    UnixSocketServer server = UnixSocketServer.create();
    Configure.attribute(origin, "name", () -> server.withName(declaration.name()));
    if (!annotation.path().isEmpty() && !annotation.abstractName().isEmpty()) {
      throw new ExtensionConfigurationException(
          origin + " sets both path and abstractName; a socket has either a file or an abstract name, so set one");
    }
    if (!annotation.path().isEmpty()) {
      Configure.attribute(origin, "path", () -> server.withPath(Path.of(annotation.path())));
    }
    if (!annotation.abstractName().isEmpty()) {
      Configure.attribute(origin, "abstractName", () -> server.withAbstractName(annotation.abstractName()));
    }
    if (!annotation.permissions().isEmpty()) {
      Configure.attribute(origin, "permissions", () -> server.withPermissions(annotation.permissions()));
    }
    if (annotation.peerCredentials()) {
      server.withPeerCredentials();
    }
    Configure.timeout(origin, annotation.timeout(), settings).ifPresent(server::withTimeout);
    if (annotation.memoryLimit() >= 0) {
      server.withMemoryLimit(annotation.memoryLimit());
    }
    Behaviours.configure(
        origin,
        new Behaviours.Attributes(
            annotation.responder(), annotation.handler(), annotation.script(), annotation.scriptsPerConnection(),
            annotation.unfinishedScriptsAllowed(), annotation.reply(), annotation.replyAndClose(), annotation.lines()),
        Behaviours.target(
            server::withResponder, server::withHandler, server::withScript, server::withScripts,
            server::withUnfinishedScriptsAllowed));
    return server;
  }

  @Override
  protected String propertyValue(WithUnixSocketServer annotation, Fake started) {
    // An abstract socket has no path; "@name" is how ss, systemd and socat users write it.
    return annotation.abstractName().isEmpty()
        ? ((UnixSocketServer) started).path().toString()
        : "@" + annotation.abstractName();
  }
}
