package dev.sockpuppet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that was killed leaves its socket directory behind; the next one to make its own removes
 * it, and nothing that may still be in use.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "PID namespaces, and /proc/self/ns/pid, are Linux's")
class DeadProcessDirectoriesTest {
  @TempDir Path base;

  @Test
  void directoriesOfDeadProcessesOfThisNamespaceGoAndNothingElse() throws Exception {
    long namespace = UnixSocketPaths.pidNamespace();
    assertNotEquals(0, namespace, "no PID namespace on Linux?");
    long dead = deadPid();
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      Path ofTheDead = directory(UnixSocketPaths.processDirectoryName(dead, namespace));
      Path stale = socketIn(ofTheDead, "api-1a2b3c.sock");
      Path ofTheLiving = directory(UnixSocketPaths.processDirectoryName(alive.pid(), namespace));
      Path living = socketIn(ofTheLiving, "db-4d5e6f.sock");
      Path ofAnotherNamespace = directory(UnixSocketPaths.processDirectoryName(dead, namespace + 1));
      socketIn(ofAnotherNamespace, "x-1.sock");
      Path ofTheDeadWithAFile = directory(UnixSocketPaths.processDirectoryName(dead, namespace) + "-123");
      Path socketBesideAFile = socketIn(ofTheDeadWithAFile, "y-2.sock");
      Path file = Files.writeString(ofTheDeadWithAFile.resolve("notes.txt"), "not a socket");

      UnixSocketPaths.removeDirectoriesOfDeadProcesses(base);

      assertFalse(Files.exists(stale), "the dead process's socket is gone");
      assertFalse(Files.exists(ofTheDead), "and so is its directory");
      assertTrue(Files.exists(living), "a running process keeps its socket");
      assertTrue(Files.isDirectory(ofAnotherNamespace), "another PID namespace's process cannot be seen from here: kept");
      assertFalse(Files.exists(socketBesideAFile), "a dead process's socket goes");
      assertEquals("not a socket", Files.readString(file), "anything else stays, and so does its directory");
    } finally {
      alive.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theProcessDirectoryNamesThisProcessAndIsPrivate() throws IOException {
    Path directory = UnixSocketPaths.processDirectory();
    assertTrue(directory.getFileName().toString()
        .startsWith(UnixSocketPaths.processDirectoryName(ProcessHandle.current().pid(), UnixSocketPaths.pidNamespace())),
        directory.toString());
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
  }

  /** The pid of a process that has ended (and that, a moment later, nothing else has taken). */
  private static long deadPid() throws Exception {
    Process process = new ProcessBuilder("true").start();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "`true` did not end");
    long pid = process.pid();
    assertTrue(ProcessHandle.of(pid).isEmpty(), "pid " + pid + " was taken again at once");
    return pid;
  }

  private Path directory(String name) throws IOException {
    return Files.createDirectory(base.resolve(name));
  }

  /** A socket file left in {@code directory}, as a killed process leaves it: bound, never unlinked. */
  private static Path socketIn(Path directory, String name) throws IOException {
    Path path = directory.resolve(name);
    try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.bind(UnixDomainSocketAddress.of(path));
    }
    assertTrue(UnixSocketPaths.isSocket(path));
    return path;
  }
}
