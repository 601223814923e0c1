package dev.sockpuppet.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.export.TrafficExport;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.stream.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pcapng blocks, read back by hand: lengths, options, timestamps, headers and checksums. */
class PcapngStructureTest {
  /** One block: its type and body (between the two length fields). */
  record Block(int type, ByteBuffer body) {}

  @Test
  void sectionInterfaceAndPacketsAreWellFormed() throws IOException {
    byte[] file;
    long startNanos;
    try (TcpServer server = TcpServer.create().withName("structure").withResponder(Responder.replyAndClose("pong")).start()) {
      try (SocketChannel client = SocketChannel.open(server.address())) {
        client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer reply = ByteBuffer.allocate(16);
        while (client.read(reply) >= 0) {
          // until the fake closes
        }
      }
      server.awaitConnection().awaitClosed();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrafficExport.of(server).writePcapng(out);
      file = out.toByteArray();
      startNanos = server.traffic().startedAt().getEpochSecond() * 1_000_000_000L + server.traffic().startedAt().getNano();
    }
    List<Block> blocks = blocks(file);

    Block shb = blocks.get(0);
    assertEquals(0x0A0D0D0A, shb.type());
    assertEquals(0x1A2B3C4D, shb.body().getInt(0));
    assertEquals(1, shb.body().getShort(4));
    assertEquals(0, shb.body().getShort(6));
    assertEquals(-1L, shb.body().getLong(8));
    assertEquals("Sockpuppet", text(options(shb.body(), 16).get(4)));

    Block idb = blocks.get(1);
    assertEquals(1, idb.type());
    assertEquals(101, idb.body().getShort(0)); // LINKTYPE_RAW
    Map<Integer, byte[]> idbOptions = options(idb.body(), 8);
    assertEquals("TcpServer 'structure'", text(idbOptions.get(2)));
    assertEquals(9, idbOptions.get(9)[0]); // nanoseconds
    assertTrue(text(idbOptions.get(1)).contains("127.0.0.2"), text(idbOptions.get(1)));

    // Handshake (3), ping + ACK, pong + ACK, the fake's FIN + ACK, the program's FIN + ACK.
    List<Block> packets = blocks.subList(2, blocks.size());
    assertEquals(11, packets.size());
    List<String> flags = new ArrayList<>();
    for (Block packet : packets) {
      assertEquals(6, packet.type());
      ByteBuffer body = packet.body();
      assertEquals(0, body.getInt(0)); // the interface
      long timestamp = (body.getInt(4) & 0xFFFFFFFFL) << 32 | (body.getInt(8) & 0xFFFFFFFFL);
      assertTrue(timestamp >= startNanos && timestamp < startNanos + 60_000_000_000L, "timestamp " + timestamp);
      int captured = body.getInt(12);
      assertEquals(captured, body.getInt(16));
      byte[] ip = new byte[captured];
      body.get(20, ip);
      assertEquals(0x45, ip[0]);
      assertEquals(captured, ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF));
      assertEquals(0, Packets.fold(Packets.sum(ip, 0, 20, 0)), "IPv4 header checksum");
      long pseudo = Packets.sum(ip, 12, 8, 0) + 6 + (captured - 20);
      assertEquals(0, Packets.fold(Packets.sum(ip, 20, captured - 20, pseudo)), "TCP checksum");
      flags.add(flags(ip[20 + 13]) + (captured > 40 ? ":" + new String(ip, 40, captured - 40, StandardCharsets.UTF_8) : ""));
    }
    assertEquals(List.of("S", "SA", "A", "PA:ping", "A", "PA:pong", "A", "FA", "A", "FA", "A"), flags);
  }

  @Test
  void microsecondTimestampsSayItInTheInterface() {
    try (TcpServer server = TcpServer.create().withName("structure-micros").start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrafficExport.of(server).withMicrosecondTimestamps().writePcapng(out);
      List<Block> blocks = blocks(out.toByteArray());
      assertEquals(2, blocks.size(), "a section and an interface, no packets");
      assertEquals(6, options(blocks.get(1).body(), 8).get(9)[0]);
    }
  }

  private static String flags(byte flags) {
    String[] names = {"F", "S", "R", "P", "A"};
    StringBuilder out = new StringBuilder();
    for (int bit : new int[] {1, 2, 3, 0, 4}) {
      if ((flags & (1 << bit)) != 0) {
        out.append(names[bit]);
      }
    }
    return out.toString();
  }

  /** Splits a little-endian file into blocks, checking that both length fields agree and are aligned. */
  static List<Block> blocks(byte[] file) {
    ByteBuffer all = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (at < file.length) {
      int type = all.getInt(at);
      int length = all.getInt(at + 4);
      assertEquals(0, length % 4, "block at " + at + " is not 32-bit aligned");
      assertEquals(length, all.getInt(at + length - 4), "trailing length of the block at " + at);
      blocks.add(new Block(type, all.slice(at + 8, length - 12).order(ByteOrder.LITTLE_ENDIAN)));
      at += length;
    }
    assertEquals(file.length, at);
    return blocks;
  }

  /** The options from {@code start} to opt_endofopt, by code. */
  static Map<Integer, byte[]> options(ByteBuffer body, int start) {
    Map<Integer, byte[]> options = new LinkedHashMap<>();
    int at = start;
    while (true) {
      int code = body.getShort(at) & 0xFFFF;
      int length = body.getShort(at + 2) & 0xFFFF;
      if (code == 0) {
        assertEquals(0, length);
        assertEquals(body.limit(), at + 4, "options end the block");
        return options;
      }
      byte[] value = new byte[length];
      body.get(at + 4, value);
      options.put(code, value);
      at += 4 + ((length + 3) & ~3);
    }
  }

  private static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
