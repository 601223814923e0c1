package dev.sockpuppet.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.Fake;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.datagram.DatagramResponder;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.fifo.FifoPair;
import dev.sockpuppet.peer.TcpPeer;
import dev.sockpuppet.peer.UnixSocketPeer;
import dev.sockpuppet.process.ProcessPipes;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.syslog.SyslogTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Exports of every kind of fake, read back by the tools people use: {@code tshark} must open each
 * pcapng without a word on stderr and reassemble exactly the recorded bytes both ways with "Follow
 * stream"; {@code jq} must parse each JSON Lines file, whose chunks and datagrams decode to the
 * recording.
 */
class TrafficExportToolsTest {
  private static final int BIG = 200_000;

  @TempDir Path dir;

  @BeforeAll
  static void tools() {
    ExternalTools.require("tshark");
    ExternalTools.require("jq");
  }

  @Test
  void tcpServerWithAHalfCloseAResetAndAChunkLargerThanOnePacket() throws Exception {
    byte[] big = new byte[BIG];
    new Random(12).nextBytes(big);
    try (TcpServer server = TcpServer.create().withName("export-tcp")
        .withHandler(connection -> {
          String line = connection.readLine();
          if (line.equals("PING")) {
            connection.writeLine("PONG");
            connection.readToEnd();
            connection.close();
          } else {
            connection.write(big);
            connection.readLine();
            connection.reset();
          }
        }).start()) {
      try (SocketChannel client = SocketChannel.open(server.address())) {
        write(client, "PING\n");
        client.shutdownOutput();
        assertEquals("PONG\n", new String(readToEnd(client), StandardCharsets.UTF_8));
      }
      server.awaitConnection().awaitClosed();
      try (SocketChannel client = SocketChannel.open(server.address())) {
        write(client, "BIG\n");
        assertArrayEquals(big, readExactly(client, BIG));
        write(client, "done\n");
        server.awaitConnections(2).get(1).awaitClosed();
      }
      Path pcap = export(server);
      checkStreams(pcap, server.traffic(), false);
      // The program's FIN first (its half-close), then the fake's, on stream 0; the fake's RST on stream 1.
      int programPort = ((InetSocketAddress) server.traffic().connection(0).peerAddress()).getPort();
      assertEquals(List.of(programPort + "", server.port() + ""),
          Tshark.fields(pcap, "tcp.stream == 0 && tcp.flags.fin == 1", "tcp.srcport"));
      assertEquals(List.of(server.port() + ""), Tshark.fields(pcap, "tcp.flags.reset == 1", "tcp.srcport"));
      assertEquals(List.of("1"), Tshark.fields(pcap, "tcp.flags.reset == 1", "tcp.stream"));
      // The 200,000 bytes sent at once travel in four segments of at most 65,495 bytes.
      List<String> lengths = Tshark.fields(pcap, "tcp.stream == 1 && tcp.srcport == " + server.port() + " && tcp.len > 0", "tcp.len");
      assertEquals(List.of("65495", "65495", "65495", "3515"), lengths);
      checkJsonLines(server);
    }
  }

  @Test
  void aRunningFakeExportsWhatItRecordedSoFar() throws Exception {
    try (TcpServer server = TcpServer.create().withName("export-live").withResponder(Responder.echo()).start();
        SocketChannel client = SocketChannel.open(server.address())) {
      write(client, "still open\n");
      assertEquals("still open\n", new String(readExactly(client, 11), StandardCharsets.UTF_8));
      server.awaitConnection().awaitReceived("still open\n");
      Path pcap = export(server);
      checkStreams(pcap, server.traffic(), false);
      assertEquals(List.of(), Tshark.fields(pcap, "tcp.flags.fin == 1 || tcp.flags.reset == 1", "frame.number"));
      assertTrue(server.isRunning());
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void unixSocketServerSpilledToDisk() throws Exception {
    try (UnixSocketServer server = UnixSocketServer.create().withName("export-unix").withMemoryLimit(0)
        .withResponder(Responder.replyAndClose("bye\n")).start()) {
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(server.path()))) {
        write(client, "hello unix\n");
        assertEquals("bye\n", new String(readToEnd(client), StandardCharsets.UTF_8));
      }
      server.awaitConnection().awaitClosed();
      assertTrue(server.recordingUsage().bytesSpilled() > 0, () -> server.recordingUsage().toString());
      Path pcap = export(server);
      checkStreams(pcap, server.traffic(), false);
      assertEquals("127.0.0.3", Tshark.fields(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 1", "ip.src").get(0));
      assertTrue(comments(pcap).contains(server.path().toString()), comments(pcap));
      checkJsonLines(server);
    }
  }

  @Test
  void udpServer() throws Exception {
    try (UdpServer server = UdpServer.create().withName("export-udp").withResponder(DatagramResponder.reply("ack")).start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      client.send(ByteBuffer.wrap("one".getBytes(StandardCharsets.UTF_8)), server.address());
      client.send(ByteBuffer.wrap(new byte[] {0, (byte) 0xff, '\n', '"'}), server.address());
      awaitDatagrams(server, 4);
      Path pcap = export(server);
      checkDatagrams(pcap, server.traffic());
      checkJsonLines(server);
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void unixDatagramServer() throws Exception {
    Path clientPath = dir.resolve("c.sock");
    try (UnixDatagramServer server = UnixDatagramServer.create().withName("export-unixgram")
            .withResponder(DatagramResponder.echo()).start();
        AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
      client.bind(AFUNIXSocketAddress.of(clientPath));
      client.send(ByteBuffer.wrap("unix datagram".getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.of(server.path()));
      client.send(ByteBuffer.wrap("again".getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.of(server.path()));
      awaitDatagrams(server, 4);
      Path pcap = export(server);
      checkDatagrams(pcap, server.traffic());
      String comments = comments(pcap);
      assertTrue(comments.contains(clientPath.toString()) && comments.contains(server.path().toString()), comments);
      checkJsonLines(server);
    }
  }

  @Test
  void syslogServerOverUdpWithItsParsedMessagesInTheJsonLines() throws Exception {
    String record = "<165>1 2003-10-11T22:14:15.003Z host app 42 ID47 [sd@32473 iut=\"3\"] caf\u00e9 \u0001";
    try (SyslogServer syslog = SyslogServer.create(SyslogTransport.UDP).withName("export-syslog").start();
        DatagramChannel client = DatagramChannel.open()) {
      client.send(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), syslog.address());
      client.send(ByteBuffer.wrap(new byte[] {'<', '9', '9', (byte) 0xc3}), syslog.address());
      syslog.awaitMessages(2);
      Path pcap = export(syslog);
      checkDatagrams(pcap, syslog.traffic());
      checkJsonLines(syslog);
      Path jsonl = dir.resolve("syslog.jsonl");
      TrafficExport.of(syslog).writeJsonLines(jsonl);
      assertEquals(List.of("LOCAL4\tNOTICE\t165\tRFC5424\tapp\t42\tID47\tsd@32473\tiut\t3\tcaf\u00e9 \u0001\tnull"),
          jq(jsonl, "select(.type == \"syslog\" and .index == 0) | [.facility, .severity, .priority, .format, .appName, .procId,"
              + " .msgId, .structuredData[0].id, .structuredData[0].params[0].name, .structuredData[0].params[0].value,"
              + " .message, (.parseError | tostring)] | join(\"\\t\")"));
      assertEquals(List.of("true"), jq(jsonl, "select(.type == \"syslog\" and .index == 1) | .parseError != null"));
    }
  }

  @Test
  void tcpPeerStartsTheHandshake() throws Exception {
    try (TcpServer program = TcpServer.create().withName("export-peer-program").withResponder(Responder.echo()).start();
        TcpPeer peer = TcpPeer.to(program.port()).withName("export-tcp-peer")
            .withScript(Script.create().sendLine("HI").expectLine("HI").halfClose().expectEof()).start()) {
      peer.awaitFinished();
      program.awaitConnection().awaitReceived("HI\n");
      Path pcap = export(peer);
      checkStreams(pcap, peer.traffic(), true);
      int peerPort = ((InetSocketAddress) peer.connection().localAddress()).getPort();
      assertEquals(List.of(peerPort + ""), Tshark.fields(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.srcport"));
      checkJsonLines(peer);
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void unixSocketPeer() throws Exception {
    try (UnixSocketServer program = UnixSocketServer.create().withName("export-unix-peer-program")
            .withResponder(Responder.echo()).start();
        UnixSocketPeer peer = UnixSocketPeer.to(program.path()).withName("export-unix-peer")
            .withScript(Script.create().sendLine("HI").expectLine("HI").reset()).start()) {
      peer.awaitFinished();
      Path pcap = export(peer);
      checkStreams(pcap, peer.traffic(), true);
      assertEquals(List.of("127.0.0.3"), Tshark.fields(pcap, "tcp.flags.reset == 1", "ip.src"));
      assertTrue(comments(pcap).contains(program.path().toString()), comments(pcap));
      checkJsonLines(peer);
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void fifoPair() throws Exception {
    try (FifoPair pair = FifoPair.create().withName("export-fifo").start()) {
      ProcessBuilder builder = new ProcessBuilder("sh", "-c", "cat < \"$IN\" > \"$OUT\"");
      builder.environment().put("IN", pair.toProgram().toString());
      builder.environment().put("OUT", pair.fromProgram().toString());
      Process cat = builder.start();
      try {
        pair.sendLine("hello fifo").awaitReceived("hello fifo\n");
        pair.sendEof();
        pair.awaitProgramClosed();
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat did not end at end-of-file");
      } finally {
        cat.destroyForcibly();
      }
      pair.stop();
      Path pcap = export(pair);
      checkStreams(pcap, pair.traffic(), false);
      String comments = comments(pcap);
      assertTrue(comments.contains(pair.toProgram().toString()) && comments.contains(pair.fromProgram().toString()), comments);
      checkJsonLines(pair);
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void processPipes() throws Exception {
    try (ProcessPipes pipes = ProcessPipes.create("sh", "-c", "cat; echo oops >&2").withName("export-pipes").start()) {
      pipes.sendLine("to stdin").sendEof();
      assertEquals(0, pipes.awaitExit());
      pipes.awaitFinished();
      pipes.stop();
      assertEquals("oops\n", pipes.stderr().received().text());
      Path pcap = export(pipes);
      checkStreams(pcap, pipes.traffic(), false);
      assertTrue(comments(pcap).contains("the process exited"), comments(pcap));
      checkJsonLines(pipes);
    }
  }

  @Test
  void severalFakesInOneFileEachOnItsOwnInterface() throws Exception {
    try (TcpServer a = TcpServer.create().withName("export-many-a").withResponder(Responder.echo()).start();
        UdpServer b = UdpServer.create().withName("export-many-b").start();
        DatagramChannel client = DatagramChannel.open()) {
      try (SocketChannel socket = SocketChannel.open(a.address())) {
        write(socket, "x");
        readExactly(socket, 1);
      }
      client.send(ByteBuffer.wrap(new byte[] {7}), b.address());
      b.awaitDatagram();
      a.awaitConnection().awaitClosed();
      Path pcap = dir.resolve("many.pcapng");
      TrafficExport.of(a, b).withMicrosecondTimestamps().writePcapng(pcap);
      assertEquals(List.of("TCP\tTcpServer 'export-many-a'", "UDP\tUdpServer 'export-many-b'"),
          Tshark.fields(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 || udp", "_ws.col.Protocol", "frame.interface_name"));
    }
  }

  // ---- checks ----

  /** Waits until {@code fake} recorded {@code count} datagrams, received and sent. */
  private static void awaitDatagrams(Fake fake, int count) {
    Awaitility.await(fake.name() + " to record " + count + " datagrams").atMost(Duration.ofSeconds(10))
        .until(() -> fake.traffic().datagrams().size() >= count);
  }

  private Path export(Fake fake) throws IOException, InterruptedException {
    Path pcap = dir.resolve(fake.name() + ".pcapng");
    TrafficExport.of(fake).writePcapng(pcap);
    // Opens cleanly, with the fake as its interface, and every checksum verifies.
    assertEquals(List.of(), Tshark.fields(pcap,
        "tcp.checksum.status != 1 || udp.checksum.status != 1 || ip.checksum.status != 1 || _ws.malformed"
            + " || (_ws.expert.severity >= \"Warning\" && !(tcp.flags.reset == 1))",
        "frame.number", "_ws.expert.message"));
    return pcap;
  }

  /** Each connection is stream i: its node 0 (the side that sent the SYN) and node 1 sent exactly what was recorded. */
  private static void checkStreams(Path pcap, Traffic traffic, boolean fakeConnects) throws Exception {
    List<Connection> connections = traffic.connections();
    assertFalse(connections.isEmpty(), traffic::transcript);
    for (Connection connection : connections) {
      Tshark.Follow follow = Tshark.follow(pcap, "tcp", connection.index());
      Bytes client = fakeConnects ? connection.sent() : connection.received();
      Bytes server = fakeConnects ? connection.received() : connection.sent();
      assertArrayEquals(client.toByteArray(), follow.fromNode0(), () -> connection + " node 0, " + follow);
      assertArrayEquals(server.toByteArray(), follow.fromNode1(), () -> connection + " node 1, " + follow);
    }
  }

  /** Datagrams between one program address and the fake are one UDP stream: what each side sent, in order. */
  private static void checkDatagrams(Path pcap, Traffic traffic) throws Exception {
    List<Datagram> datagrams = traffic.datagrams();
    assertFalse(datagrams.isEmpty(), traffic::transcript);
    ByteArrayOutputStream program = new ByteArrayOutputStream();
    ByteArrayOutputStream fake = new ByteArrayOutputStream();
    for (Datagram datagram : datagrams) {
      (datagram.direction() == Direction.RECEIVED ? program : fake).write(datagram.bytes().toByteArray());
    }
    Tshark.Follow follow = Tshark.follow(pcap, "udp", 0);
    boolean programFirst = datagrams.get(0).direction() == Direction.RECEIVED;
    assertArrayEquals(program.toByteArray(), programFirst ? follow.fromNode0() : follow.fromNode1(), follow::toString);
    assertArrayEquals(fake.toByteArray(), programFirst ? follow.fromNode1() : follow.fromNode0(), follow::toString);
  }

  /**
   * jq parses every line; the chunks of each connection and direction, and the datagrams, decode to
   * the recorded bytes; every line has its type, fake, time and offset.
   */
  private void checkJsonLines(Fake fake) throws Exception {
    Path jsonl = dir.resolve(fake.name() + ".jsonl");
    TrafficExport.of(fake).writeJsonLines(jsonl);
    long lines = Files.readAllLines(jsonl).size();
    assertEquals(lines, jq(jsonl, ".").size(), "jq -c . read every line");
    assertEquals(List.of(), jq(jsonl, "select((.type | type) != \"string\" or .fake != \"" + fake.traffic().fake()
        + "\" or (.type != \"fake\" and ((.at | type) != \"string\" or (.offsetNanos | type) != \"number\")))"));
    Traffic traffic = fake.traffic();
    Map<String, ByteArrayOutputStream> chunks = new HashMap<>();
    for (String row : jq(jsonl, "select(.type == \"chunk\") | \"\\(.connection) \\(.direction) \\(.bytes)\"")) {
      String[] parts = row.replace("\"", "").split(" ", 3);
      chunks.computeIfAbsent(parts[0] + " " + parts[1], k -> new ByteArrayOutputStream()).write(Base64.getDecoder().decode(parts[2]));
    }
    for (Connection connection : traffic.connections()) {
      for (Direction direction : Direction.values()) {
        Bytes expected = direction == Direction.RECEIVED ? connection.received() : connection.sent();
        ByteArrayOutputStream got = chunks.getOrDefault(connection.index() + " " + direction.verb(), new ByteArrayOutputStream());
        assertArrayEquals(expected.toByteArray(), got.toByteArray(), connection + " " + direction.verb());
      }
    }
    List<String> datagrams = jq(jsonl, "select(.type == \"datagram\") | .bytes");
    List<Datagram> recorded = traffic.datagrams();
    assertEquals(recorded.size(), datagrams.size());
    for (int i = 0; i < recorded.size(); i++) {
      assertArrayEquals(recorded.get(i).bytes().toByteArray(), Base64.getDecoder().decode(datagrams.get(i).replace("\"", "")));
    }
    List<String> events = jq(jsonl, "select(.type == \"event\") | .kind");
    assertEquals(traffic.connections().stream().mapToInt(c -> c.events().size()).sum(), events.size());
  }

  /** {@code jq -c <filter> file}, each output line. */
  private static List<String> jq(Path file, String filter) throws IOException, InterruptedException {
    ExternalTools.Result result = ExternalTools.run(List.of("jq", "-c", filter, file.toString()), "");
    assertEquals("", result.stderr(), "jq " + filter);
    assertEquals(0, result.exitCode(), "jq " + filter);
    List<String> lines = new ArrayList<>(result.stdout().lines().toList());
    lines.replaceAll(line -> line.startsWith("\"") ? jsonString(line) : line);
    return lines;
  }

  /** A JSON string as jq -c prints it, back to text: enough of JSON for the strings here. */
  private static String jsonString(String quoted) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < quoted.length() - 1; i++) {
      char c = quoted.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = quoted.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'u' -> {
          out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(next);
      }
    }
    return out.toString();
  }

  private static String comments(Path pcap) throws IOException, InterruptedException {
    return String.join("\n", Tshark.fields(pcap, "frame.comment", "frame.comment"));
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static byte[] readExactly(SocketChannel channel, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static byte[] readToEnd(SocketChannel channel) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (channel.read(buffer) >= 0) {
      all.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
    return all.toByteArray();
  }
}
