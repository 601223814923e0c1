package dev.sockpuppet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The process's socket directory is made once and not looked at on every start (an lstat each);
 * if someone deletes it (a cleanup of /dev/shm or /tmp), the next bind fails, and the start makes
 * it again and binds there.
 */
@Isolated("deletes the socket directory every Unix fake of this JVM shares")
class ProcessDirectoryTest {
  @Test
  void aServerStartsAfterSomeoneDeletedTheSocketDirectory() throws IOException {
    Path directory = UnixSocketPaths.processDirectory();
    try (UnixSocketServer before = UnixSocketServer.create().withName("before-deletion").start()) {
      assertEquals(directory, before.path().getParent());
    }
    Files.delete(directory); // empty: no fake of this JVM runs now
    Path socket;
    try (UnixSocketServer after = UnixSocketServer.create().withName("after-deletion").start();
        SocketChannel client = SocketChannel.open(after.address())) {
      assertTrue(Files.isDirectory(after.path().getParent()), "the directory was made again");
      assertTrue(after.path().getParent().getFileName().toString().startsWith(directory.getFileName().toString()));
      client.write(ByteBuffer.wrap(new byte[] {42}));
      after.awaitReceived(dev.sockpuppet.Bytes.of(new byte[] {42}));
      socket = after.path();
    }
    assertFalse(Files.exists(socket), "the stop removed the socket file from the new directory");
  }
}
