package dev.sockpuppet.samples.os;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.peer.TcpPeer;
import dev.sockpuppet.peer.UnixSocketPeer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that come with the operating system, driven by scripted peers: {@code socat} relaying a
 * Unix socket to {@code cat}, and a line server written in Python.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class OperatingSystemServersTest {
  private static final String PYTHON_UPPERCASE_SERVER = String.join("\n",
      "import socketserver, sys",
      "class Upper(socketserver.StreamRequestHandler):",
      "    def handle(self):",
      "        for line in self.rfile:",
      "            self.wfile.write(line.upper())",
      "with socketserver.ThreadingTCPServer(('127.0.0.1', 0), Upper) as server:",
      "    print(server.server_address[1], flush=True)",
      "    server.serve_forever()");

  @Test
  void aTcpPeerDrivesAPythonServer() throws Exception {
    Process python = start(List.of("python3", "-u", "-c", PYTHON_UPPERCASE_SERVER));
    try {
      int port = Integer.parseInt(firstLine(python));
      try (TcpPeer client = TcpPeer.to(port).withName("python-client")
          .withScript(Script.create()
              .sendLine("hello python").expectLine("HELLO PYTHON")
              .sendText("split ").sendLine("line").expectLine("SPLIT LINE")
              .halfClose().expectEof())
          .start()) {
        client.awaitFinished();
        assertThat(client.connection()).receivedExactly("HELLO PYTHON\nSPLIT LINE\n");
      }
    } finally {
      stop(python);
    }
  }

  @Test
  void aUnixSocketPeerDrivesSocatRelayingToCat(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("cat.sock");
    Process socat = start(List.of("socat", "UNIX-LISTEN:" + socket, "EXEC:cat"));
    try {
      byte[] binary = new byte[256];
      for (int i = 0; i < binary.length; i++) {
        binary[i] = (byte) i;
      }
      // The peer waits, bounded, until socat has created its socket and listens.
      try (UnixSocketPeer client = UnixSocketPeer.to(socket).withName("cat-client")
          .withScript(Script.create()
              .sendLine("meow").expectLine("meow")
              .sendBytes(Bytes.of(binary)).expectBytes(Bytes.of(binary))
              .halfClose().expectEof())
          .start()) {
        client.awaitFinished();
        assertThat(client.connection()).sentExactly(client.connection().received());
      }
      assertTrue(socat.waitFor(10, TimeUnit.SECONDS), "socat ends once its one connection ended");
      assertEquals(0, socat.exitValue());
    } finally {
      stop(socat);
    }
    assertTrue(Files.notExists(socket) || !socat.isAlive());
  }

  private static Process start(List<String> command) throws IOException {
    require(command.get(0));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static String firstLine(Process process) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(20, TimeUnit.SECONDS);
    if (line == null) {
      fail("the server printed nothing; exit code " + (process.isAlive() ? "(still running)" : process.exitValue()));
    }
    return line.trim();
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Skips (locally) or fails (in CI, where .ci/run installs it) unless {@code tool} is on the PATH. */
  private static void require(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    String reason = tool + " is not installed; .ci/run installs it (apt-get)";
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.abort(reason);
  }
}
