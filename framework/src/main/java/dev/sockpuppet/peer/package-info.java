/**
 * Client peers: fakes that connect to the program under test, when the program is the server,
 * run a {@link dev.sockpuppet.behaviour.Script} (or a handler) on the connection, and record
 * everything like a fake server does. {@link dev.sockpuppet.peer.TcpPeer} and {@link
 * dev.sockpuppet.peer.UnixSocketPeer}.
 */
package dev.sockpuppet.peer;
