package dev.sockpuppet.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.stream.TcpServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports from every kind of fake, read back by the tools people use: tshark and jq. */
class TrafficExportToolsTest {
  @TempDir Path dir;

  @BeforeAll
  static void tools() {
    ExternalTools.require("tshark");
  }

  @Test
  void tcpServer() throws Exception {
    try (TcpServer server = TcpServer.create().withName("export-tcp")
        .withScript(Script.create().expectLine("PING").sendLine("PONG").expectEof().close()).start()) {
      try (SocketChannel client = SocketChannel.open(server.address())) {
        client.write(ByteBuffer.wrap("PING\n".getBytes(StandardCharsets.UTF_8)));
        client.shutdownOutput();
        ByteBuffer reply = ByteBuffer.allocate(100);
        while (client.read(reply) >= 0) {}
      }
      server.awaitConnection().awaitClosed();
      Path file = dir.resolve("tcp.pcapng");
      TrafficExport.of(server).writePcapng(file);
      System.out.println(Tshark.run(file));
      Tshark.Follow follow = Tshark.follow(file, "tcp", 0);
      System.out.println(follow);
    }
  }
}
