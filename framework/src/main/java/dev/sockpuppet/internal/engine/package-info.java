/**
 * The engine that runs fakes: {@link dev.sockpuppet.internal.engine.FakeCore} (the lifecycle every
 * fake shares), {@link dev.sockpuppet.internal.engine.Transport} (one duplex byte stream, with
 * {@link dev.sockpuppet.internal.engine.SocketTransport} over a socket), {@link
 * dev.sockpuppet.internal.engine.ConnectionRunner} (plays a connection over any transport), {@link
 * dev.sockpuppet.internal.engine.Acceptor} (takes connections), and {@link
 * dev.sockpuppet.internal.engine.StreamEngine} (puts them together for a listening fake).
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code.
 */
package dev.sockpuppet.internal.engine;
