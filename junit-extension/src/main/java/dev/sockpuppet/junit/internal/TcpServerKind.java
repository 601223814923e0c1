package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.WithTcpServer;
import dev.sockpuppet.stream.TcpServer;

/** {@link WithTcpServer} → a configured {@link TcpServer}. */
final class TcpServerKind extends FakeKind<WithTcpServer> {
  TcpServerKind() {
    super(WithTcpServer.class, TcpServer.class, "tcp");
  }

  @Override
  protected Common common(WithTcpServer annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithTcpServer annotation, Declaration declaration, Settings settings) {
    String origin = declaration.origin();
    TcpServer server = TcpServer.create();
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        server::withName, server::withTimeout, server::withMemoryLimit);
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
  protected String propertyValue(WithTcpServer annotation, Fake started) {
    return ((TcpServer) started).hostAndPort();
  }
}
