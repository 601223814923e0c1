/**
 * Sockpuppet: throwaway fake socket peers for tests, with every byte on record.
 *
 * <p>Start a fake ({@link dev.sockpuppet.TcpServer}, {@link dev.sockpuppet.UnixSocketServer}),
 * point the program under test at its address, then wait ({@code await…}) and assert ({@link
 * dev.sockpuppet.SocketAssertions}) on its {@link dev.sockpuppet.Traffic}. Fakes record into
 * immutable {@link dev.sockpuppet.Bytes}; they decide what to answer with a {@link
 * dev.sockpuppet.Responder} or a {@link dev.sockpuppet.Handler}.
 *
 * <p>Package-private classes here are the engine behind the API and are not part of it.
 */
package dev.sockpuppet;
