package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.junit.WithUdpServer;

/** {@link WithUdpServer} → a configured {@link UdpServer}. */
final class UdpServerKind extends FakeKind<WithUdpServer> {
  UdpServerKind() {
    super(WithUdpServer.class, UdpServer.class, "udp");
  }

  @Override
  protected Common common(WithUdpServer annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithUdpServer annotation, Declaration declaration, Settings settings) {
    UdpServer server = UdpServer.create();
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        server::withName, server::withTimeout, server::withMemoryLimit);
    Behaviours.configureDatagram(
        declaration.origin(), annotation.responder(), annotation.reply(), annotation.script(), annotation.unfinishedScriptsAllowed(),
        server::withResponder, server::withScript, server::withUnfinishedScriptsAllowed);
    PacketFaults.configure(declaration.origin(), annotation.faults(), server::withFaults);
    return server;
  }

  @Override
  protected String propertyValue(WithUdpServer annotation, Fake started) {
    return ((UdpServer) started).hostAndPort();
  }
}
