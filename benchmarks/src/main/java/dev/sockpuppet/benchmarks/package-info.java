/**
 * JMH benchmarks of Sockpuppet's fakes, each measured side by side with a raw JDK baseline (and,
 * for the lifecycle, okhttp's MockWebServer) in the same run. Not API; not part of the default
 * build. See {@code PERFORMANCE.md} at the repository root for the figures and how to run them.
 */
package dev.sockpuppet.benchmarks;
