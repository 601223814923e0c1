/**
 * The machinery behind {@code dev.sockpuppet.testcontainers}: where a fake is mounted, the
 * containers' captured output, and the JUnit extension that reports it.
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code. (Classes here are public only because the public
 * package and JUnit itself must reach them.)
 */
package dev.sockpuppet.testcontainers.internal;
