package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import dev.sockpuppet.junit.WithSyslogServer;
import dev.sockpuppet.syslog.SyslogServer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@link WithSyslogServer} → a configured {@link SyslogServer} on the annotation's transport. */
final class SyslogServerKind extends FakeKind<WithSyslogServer> {
  SyslogServerKind() {
    super(WithSyslogServer.class, SyslogServer.class, "syslog");
  }

  @Override
  protected Common common(WithSyslogServer annotation) {
    return new Common(annotation.name(), annotation.scope(), annotation.systemProperty());
  }

  @Override
  protected Fake build(WithSyslogServer annotation, Declaration declaration, Settings settings) {
    String origin = declaration.origin();
    SyslogServer server = SyslogServer.create(annotation.transport());
    Configure.basics(
        declaration, settings, annotation.timeout(), annotation.memoryLimit(),
        server::withName, server::withTimeout, server::withMemoryLimit);
    if (annotation.transport().isUnix()) {
      Configure.unixPlace(
          origin, annotation.path(), annotation.abstractName(), annotation.permissions(),
          server::withPath, server::withAbstractName, server::withPermissions);
    } else {
      for (String[] set : new String[][] {
        {"path", annotation.path()}, {"abstractName", annotation.abstractName()}, {"permissions", annotation.permissions()}
      }) {
        if (!set[1].isEmpty()) {
          throw new ExtensionConfigurationException(
              origin + " sets " + set[0] + ", which places a Unix socket, but its transport = " + annotation.transport()
                  + " listens on a port; remove " + set[0] + ", or choose transport = UNIX_DATAGRAM or UNIX_STREAM");
        }
      }
    }
    if (annotation.maxMessageSize() > 0) {
      server.withMaxMessageSize(annotation.maxMessageSize());
    }
    return server;
  }

  @Override
  protected String propertyValue(WithSyslogServer annotation, Fake started) {
    SyslogServer server = (SyslogServer) started;
    return annotation.transport().isUnix()
        ? Configure.unixPropertyValue(annotation.abstractName(), server::path)
        : Configure.hostAndPort((InetSocketAddress) server.address());
  }
}
