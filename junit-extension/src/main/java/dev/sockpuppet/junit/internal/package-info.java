/**
 * The machinery behind {@code dev.sockpuppet.junit}: fake kinds, declarations, lifecycles,
 * parameter lookup, transcripts and configuration.
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code. (Classes here are public only because the public
 * package and JUnit itself must reach them.)
 *
 * <p>Adding a fake kind (say {@code @WithFifoPair}) takes: the annotation in the public package,
 * carrying {@code @ExtendWith(SockpuppetExtension.class)} and {@code @ResourceLock(providers =
 * SystemPropertyLocks.class)} like the existing ones; one {@link dev.sockpuppet.junit.internal.FakeKind}
 * subclass that turns the annotation into an unstarted fake (any {@link dev.sockpuppet.Fake}: a
 * server, a client peer, a FIFO pair); and one line in {@link dev.sockpuppet.junit.internal.FakeKinds},
 * whose documentation lists the steps in detail. Lifecycle, injection, system properties, locks
 * and transcripts then work for it unchanged.
 */
package dev.sockpuppet.junit.internal;
