/**
 * Internal helpers of Sockpuppet: hex dumps, transcripts, waits, checks, Unix socket paths, and
 * {@link dev.sockpuppet.internal.Access}, through which the engine reaches into public types.
 *
 * <p><b>Not API.</b> Anything in this package and the packages below it may change or disappear in
 * any release without notice; do not use it from tests or other code.
 */
package dev.sockpuppet.internal;
