/**
 * Internal helpers of Sockpuppet: hex dumps, transcripts, waits, checks, Unix socket paths.
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code.
 */
package dev.sockpuppet.internal;
