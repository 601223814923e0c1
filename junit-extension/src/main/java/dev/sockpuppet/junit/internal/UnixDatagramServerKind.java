package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.junit.WithUnixDatagramServer;

/** {@link WithUnixDatagramServer} → a configured {@link UnixDatagramServer}. */
final class UnixDatagramServerKind extends FakeKind<WithUnixDatagramServer> {
  UnixDatagramServerKind() {
    super(WithUnixDatagramServer.class, UnixDatagramServer.class, "unixgram");
  }

  @Override
  protected Common common(WithUnixDatagramServer annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithUnixDatagramServer annotation, Declaration declaration, Settings settings) {
    String origin = declaration.origin();
    UnixDatagramServer server = UnixDatagramServer.create();
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        server::withName, server::withTimeout, server::withMemoryLimit);
    Configure.unixPlace(
        origin, annotation.path(), annotation.abstractName(), annotation.permissions(),
        server::withPath, server::withAbstractName, server::withPermissions);
    Behaviours.configureDatagram(
        origin, annotation.responder(), annotation.reply(), annotation.script(), annotation.unfinishedScriptsAllowed(),
        server::withResponder, server::withScript, server::withUnfinishedScriptsAllowed);
    PacketFaults.configure(declaration.origin(), annotation.faults(), server::withFaults);
    return server;
  }

  @Override
  protected String propertyValue(WithUnixDatagramServer annotation, Fake started) {
    return Configure.unixPropertyValue(annotation.abstractName(), ((UnixDatagramServer) started)::path);
  }
}
