/**
 * JUnit Jupiter integration for Sockpuppet: annotations that give a test started fakes, inject them
 * into parameters, and tear them down with evidence on failure.
 *
 * <pre>{@code
 * @WithTcpServer(name = "api", reply = "HTTP/1.1 204 No Content\r\n\r\n", systemProperty = "api.endpoint")
 * @WithUnixSocketServer(name = "daemon", responder = ResponderType.ECHO)
 * class ClientTest {
 *   @Test
 *   void works(@ManagedFake("api") TcpServer api, UnixSocketServer daemon) { … }
 * }
 * }</pre>
 *
 * <p>Start at {@link dev.sockpuppet.junit.WithTcpServer}, {@link
 * dev.sockpuppet.junit.WithUnixSocketServer}, {@link dev.sockpuppet.junit.WithUdpServer}, {@link
 * dev.sockpuppet.junit.WithUnixDatagramServer}, {@link dev.sockpuppet.junit.WithSyslogServer} and
 * {@link dev.sockpuppet.junit.ManagedFake}; {@link
 * dev.sockpuppet.junit.SockpuppetExtension} documents the lifecycle, the evidence kept on failure
 * and the configuration parameters.
 */
package dev.sockpuppet.junit;
