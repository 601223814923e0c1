package dev.sockpuppet.samples.kv;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.peer.UnixSocketPeer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** A program that is a server, tested through scripted client peers. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class KeyValueServerTest {
  @TempDir Path dir;

  // README: peer-example
  @Test
  void storesAndReturnsValues() throws Exception {
    Path socket = dir.resolve("kv.sock");
    try (KeyValueServer server = KeyValueServer.listen(socket);
        UnixSocketPeer client = UnixSocketPeer.to(socket)
            .withScript(Script.create()
                .sendLine("SET colour blue").expectLine("OK")
                .sendLine("GET colour").expectLineMatching("VALUE (\\w+)")
                .sendLine("SET copy ${1}").expectLine("OK")
                .sendLine("QUIT").expectLine("BYE").expectEof())
            .start()) {
      client.awaitFinished();
    }
  }
  // README: end

  @Test
  void answersErrorsAndUnknownKeys() throws Exception {
    Path socket = dir.resolve("kv.sock");
    try (KeyValueServer server = KeyValueServer.listen(socket);
        UnixSocketPeer client = UnixSocketPeer.to(socket)
            .withScript(Script.create()
                .sendLine("GET missing").expectLine("NOT_FOUND")
                .sendLine("SET onlykey").expectLine("ERR usage: SET key value")
                .sendLine("FLY away").expectLineMatching("ERR unknown command (\\w+)")
                .sendLine("x".repeat(2000)).expectLine("ERR line too long"))
            .start()) {
      client.awaitFinished();
      assertThat(client.connection()).receivedLines(
          "NOT_FOUND", "ERR usage: SET key value", "ERR unknown command FLY", "ERR line too long");
    }
  }

  @Test
  void concurrentClientsShareTheStore() throws Exception {
    Path socket = dir.resolve("kv.sock");
    try (KeyValueServer server = KeyValueServer.listen(socket)) {
      List<UnixSocketPeer> writers = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          writers.add(UnixSocketPeer.to(socket).withName("writer-" + i)
              .withScript(Script.create().sendLine("SET key" + i + " value" + i).expectLine("OK")).start());
        }
        writers.forEach(UnixSocketPeer::awaitFinished);
      } finally {
        writers.forEach(UnixSocketPeer::close);
      }
      Script reads = Script.create();
      for (int i = 0; i < 5; i++) {
        reads = reads.sendLine("GET key" + i).expectLine("VALUE value" + i);
      }
      try (UnixSocketPeer reader = UnixSocketPeer.to(socket).withName("reader").withScript(reads).start()) {
        reader.awaitFinished();
      }
    }
  }

  @Test
  void aWrongAnswerNamesTheStepAndShowsWhatCameInstead() throws Exception {
    Path socket = dir.resolve("kv.sock");
    try (KeyValueServer server = KeyValueServer.listen(socket)) {
      UnixSocketPeer client = UnixSocketPeer.to(socket).withName("strict")
          .withScript(Script.create().sendLine("DEL nothing").expectLine("OK"))
          .start();
      AssertionFailedError error = assertThrows(AssertionFailedError.class, client::awaitFinished);
      assertTrue(error.getMessage().contains("UnixSocketPeer 'strict' connection #0: script step 2 of 2 failed"),
          error.getMessage());
      assertTrue(error.getMessage().contains("nearest miss: the line differs at column 1\n"
          + "    expected: \"OK\"\n"
          + "    arrived : \"NOT_FOUND\"\n"), error.getMessage());
      assertThrows(AssertionFailedError.class, client::close);
    }
  }
}
