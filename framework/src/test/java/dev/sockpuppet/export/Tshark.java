package dev.sockpuppet.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.ExternalTools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Runs {@code tshark} on an exported file, bounded, and fails on anything it says on stderr. */
final class Tshark {
  private Tshark() {}

  /**
   * What "Follow stream" reassembled: each node's address as tshark prints it and the bytes it
   * sent. Node 0 is the side that sent the stream's first packet.
   */
  record Follow(String node0, byte[] fromNode0, String node1, byte[] fromNode1) {
    /** The bytes that {@code address} (e.g. {@code 127.0.0.2:20000}) sent. */
    byte[] from(String address) {
      if (node0.equals(address)) {
        return fromNode0;
      }
      if (node1.equals(address)) {
        return fromNode1;
      }
      throw new AssertionError(address + " is neither node of " + this);
    }
  }

  /** Runs {@code tshark -r file args…}, asserts it exited 0 with nothing on stderr, returns stdout. */
  static String run(Path file, String... args) throws IOException, InterruptedException {
    // Checksums are verified: Wireshark skips that by default, and the export computes them all.
    List<String> command = new ArrayList<>(List.of("tshark", "-n", "-o", "tcp.check_checksum:TRUE",
        "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-r", file.toString()));
    command.addAll(Arrays.asList(args));
    ExternalTools.Result result = ExternalTools.run(command, "");
    // tshark run as root says so on stderr; that is about the machine, not the file.
    String stderr = result.stderr().lines().filter(line -> !line.startsWith("Running as user \"root\""))
        .reduce("", (a, b) -> a + b + "\n");
    assertEquals("", stderr, "tshark " + command + " complained");
    assertEquals(0, result.exitCode(), () -> "tshark " + command + " failed: " + result.stdout());
    return result.stdout();
  }

  /** {@code tshark -q -z follow,<protocol>,raw,<stream>}, parsed. */
  static Follow follow(Path file, String protocol, int stream) throws IOException, InterruptedException {
    String out = run(file, "-q", "-z", "follow," + protocol + ",raw," + stream);
    String node0 = null;
    String node1 = null;
    StringBuilder hex0 = new StringBuilder();
    StringBuilder hex1 = new StringBuilder();
    boolean data = false;
    for (String line : out.split("\n")) {
      if (line.startsWith("Node 0: ")) {
        node0 = line.substring(8).strip();
      } else if (line.startsWith("Node 1: ")) {
        node1 = line.substring(8).strip();
        data = true;
      } else if (line.startsWith("=====")) {
        data = false;
      } else if (data && line.startsWith("\t")) {
        hex1.append(line.strip());
      } else if (data && !line.isBlank()) {
        hex0.append(line.strip());
      }
    }
    assertTrue(node0 != null && node1 != null, () -> "no stream " + stream + " in:\n" + out);
    HexFormat hex = HexFormat.of();
    return new Follow(node0, hex.parseHex(hex0), node1, hex.parseHex(hex1));
  }

  /** One line per frame with the given fields, tab-separated. */
  static List<String> fields(Path file, String filter, String... fields) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-Y", filter, "-T", "fields"));
    for (String field : fields) {
      args.add("-e");
      args.add(field);
    }
    return run(file, args.toArray(new String[0])).lines().toList();
  }
}
