/**
 * Handing Sockpuppet fakes to programs that run in Testcontainers containers.
 *
 * <p>{@link dev.sockpuppet.testcontainers.ContainerFake} puts a Unix-socket fake at a path inside
 * a container ({@code /dev/log}, {@code /var/run/docker.sock}, {@code /run/app.sock}) and makes a
 * TCP or UDP fake reachable from one by a host and port it tells; it starts the fake before the
 * container and stops it after. {@link dev.sockpuppet.testcontainers.ContainerLogsOnFailure} adds
 * the containers' output to a failed test's evidence, next to the fakes' transcripts.
 *
 * <p>This module depends on Testcontainers; the framework and the JUnit extension do not.
 */
package dev.sockpuppet.testcontainers;
