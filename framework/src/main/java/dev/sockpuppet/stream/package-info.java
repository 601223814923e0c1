/**
 * Fakes that the program under test connects to over a stream socket: {@link
 * dev.sockpuppet.stream.TcpServer} on loopback and {@link dev.sockpuppet.stream.UnixSocketServer}
 * on a Unix-domain socket, both {@link dev.sockpuppet.stream.StreamServer}s. What they do on each
 * connection comes from {@link dev.sockpuppet.behaviour}.
 */
package dev.sockpuppet.stream;
