package dev.sockpuppet;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a fake's recording lives: how much is in memory and how much went to its spill file.
 *
 * @param memoryLimit the configured in-memory limit in bytes
 * @param bytesInMemory bytes held in memory, counting a small fixed overhead per chunk
 * @param bytesSpilled bytes stored past the in-memory limit: in the spill file, or up to 8 MiB still in
 *     direct buffers on their way to it while the fake runs (all in the file once it stopped)
 * @param spillFile the spill file, if the recording ever went past its limit; deleted by the fake's close()
 */
public record RecordingUsage(long memoryLimit, long bytesInMemory, long bytesSpilled, Optional<Path> spillFile) {}
