/**
 * The recording behind {@link dev.sockpuppet.Traffic}: the byte store with its spill file, and the
 * records of connections and datagrams that the engine appends to.
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code.
 */
package dev.sockpuppet.internal.recording;
