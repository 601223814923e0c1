/**
 * Sockpuppet: throwaway fake socket peers for tests, with every byte on record. This package holds
 * what every test touches; the package list is the map of the rest.
 *
 * <ul>
 *   <li>{@code dev.sockpuppet}: {@link dev.sockpuppet.Fake} and {@link dev.sockpuppet.FakeServer},
 *       the recording ({@link dev.sockpuppet.Traffic}, {@link dev.sockpuppet.Connection}, {@link
 *       dev.sockpuppet.Chunk}, {@link dev.sockpuppet.ConnectionEvent}, {@link
 *       dev.sockpuppet.Datagram}, over immutable {@link dev.sockpuppet.Bytes}), and the assertions
 *       ({@link dev.sockpuppet.SocketAssertions});
 *   <li>{@code dev.sockpuppet.stream}: fakes that the program connects to over TCP or a Unix-domain
 *       stream socket ({@code TcpServer}, {@code UnixSocketServer});
 *   <li>{@code dev.sockpuppet.datagram}: fakes that the program sends datagrams to over UDP or a
 *       Unix datagram socket ({@code UdpServer}, {@code UnixDatagramServer});
 *   <li>{@code dev.sockpuppet.syslog}: a fake syslog daemon ({@code SyslogServer}) that parses
 *       RFC 5424 and RFC 3164 into {@code SyslogMessage}s;
 *   <li>{@code dev.sockpuppet.behaviour}: what a fake does on a connection: a canned {@code
 *       Responder}, {@code LineRules}, or a {@code Handler} of your own;
 *   <li>{@code dev.sockpuppet.http}: HTTP/1.1 on any stream fake ({@code HttpResponder}, {@code
 *       HttpResponse}) and the requests a fake received ({@code HttpRequest});
 *   <li>{@code dev.sockpuppet.internal…}: the engine. Not API.
 * </ul>
 *
 * <p>Start a fake, point the program under test at its address, then wait ({@code await…}) and
 * assert ({@link dev.sockpuppet.SocketAssertions}) on its {@link dev.sockpuppet.Traffic}.
 */
package dev.sockpuppet;
