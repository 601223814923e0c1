package dev.sockpuppet.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap and resident-memory readings for the memory figures of the benchmarks. */
final class Memory {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final int SETTLE_GCS = 3;

  private Memory() {}

  /**
   * Heap in use after full collections: what is actually retained. Several collections, because
   * one can leave objects that only a later one frees (references cleared, finalizable objects).
   */
  static long heapAfterGc() {
    for (int i = 0; i < SETTLE_GCS; i++) {
      System.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  /**
   * Resident set size of this process from {@code /proc/self/status}: counts what the heap does not,
   * such as thread stacks and direct buffers. Returns -1 where there is no procfs.
   */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double mebibytes(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
