package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.WithUnixSocketServer;
import dev.sockpuppet.stream.UnixSocketServer;

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
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        server::withName, server::withTimeout, server::withMemoryLimit);
    Configure.unixPlace(
        origin, annotation.path(), annotation.abstractName(), annotation.permissions(),
        server::withPath, server::withAbstractName, server::withPermissions);
    if (annotation.peerCredentials()) {
      server.withPeerCredentials();
    }
    Behaviours.configure(
        origin,
        new Behaviours.Attributes(
            annotation.responder(), annotation.handler(), annotation.script(), annotation.scriptsPerConnection(),
            annotation.unfinishedScriptsAllowed(), annotation.reply(), annotation.replyAndClose(), annotation.lines()),
        Behaviours.target(
            server::withResponder, server::withHandler, server::withScript, server::withScripts,
            server::withUnfinishedScriptsAllowed));
    Faults.configure(origin, annotation.faults(), server::withFaults);
    return server;
  }

  @Override
  protected String propertyValue(WithUnixSocketServer annotation, Fake started) {
    return Configure.unixPropertyValue(annotation.abstractName(), ((UnixSocketServer) started)::path);
  }
}
