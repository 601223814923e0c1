package dev.sockpuppet.datagram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.ExternalTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.opentest4j.AssertionFailedError;

/** UdpServer and UnixDatagramServer with real clients: what they record, answer and report. */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix datagram sockets via junixsocket")
class DatagramServerTest {
  private static final Duration SHORT = Duration.ofSeconds(2);

  @TempDir Path dir;

  // ---- UDP ----

  @Test
  void udpRecordsEveryDatagramWholeWithItsSenderIncludingEmptyAndLargestOnes() throws IOException {
    byte[] largest = new byte[65_507];
    new Random(7).nextBytes(largest);
    try (UdpServer server = UdpServer.create().withName("udp").start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), server.address());
      client.send(ByteBuffer.allocate(0), server.address());
      client.send(ByteBuffer.wrap(largest), server.address());
      List<Datagram> received = server.awaitDatagrams(3);
      assertEquals("hello", received.get(0).bytes().text());
      assertEquals(0, received.get(1).size());
      assertArrayEquals(largest, received.get(2).bytes().toByteArray());
      for (Datagram datagram : received) {
        assertEquals(client.getLocalAddress(), datagram.sender());
        assertEquals(server.address(), datagram.receiver());
        assertEquals(Direction.RECEIVED, datagram.direction());
      }
      assertEquals(List.of(0, 1, 2), received.stream().map(Datagram::index).toList());
    }
  }

  @Test
  void udpEchoAnswersTheSenderAndRecordsTheReply() throws IOException {
    try (UdpServer server = UdpServer.create().withResponder(DatagramResponder.echo()).start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), server.address());
      assertEquals("ping", receiveText(client));
      server.verify();
      List<Datagram> all = awaitDatagramsBothWays(server, 2);
      assertEquals(Direction.SENT, all.get(1).direction());
      assertEquals(client.getLocalAddress(), all.get(1).receiver());
      assertEquals("ping", all.get(1).bytes().text());
    }
  }

  /**
   * The fake records a reply as it hands it to the operating system, and the program may read it
   * before that call returns; a test that saw the reply arrive must find it on record at once,
   * without waiting. Repeated, since the window is microseconds wide.
   */
  @Test
  void aReplyTheProgramReceivedIsOnRecordAtOnce() throws IOException {
    try (UdpServer server = UdpServer.create().withName("at-once").withResponder(DatagramResponder.echo()).start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      for (int i = 0; i < 500; i++) {
        String text = "ping " + i;
        client.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server.address());
        assertEquals(text, receiveText(client));
        List<Datagram> all = server.traffic().datagrams();
        assertEquals(2 * (i + 1), all.size(), "after exchange " + i + ": " + all);
        Datagram reply = all.get(all.size() - 1);
        assertEquals(Direction.SENT, reply.direction());
        assertEquals(text, reply.bytes().text());
      }
      server.verify();
    }
  }

  @Test
  void replyWithComputesEachAnswerAndNullAnswersNothing() throws IOException {
    DatagramResponder upper =
        DatagramResponder.replyWith(d -> d.bytes().text().equals("quiet") ? null : Bytes.of(d.bytes().text().toUpperCase()));
    try (UdpServer server = UdpServer.create().withResponder(upper).start();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      client.send(ByteBuffer.wrap("quiet".getBytes(StandardCharsets.UTF_8)), server.address());
      client.send(ByteBuffer.wrap("loud".getBytes(StandardCharsets.UTF_8)), server.address());
      assertEquals("LOUD", receiveText(client));
      assertEquals(3, awaitDatagramsBothWays(server, 3).size());
    }
  }

  @Test
  void sendToReachesAProgramThatListensAndIsRecorded() throws IOException {
    try (UdpServer server = UdpServer.create().start();
        DatagramChannel program = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      server.sendTo(program.getLocalAddress(), "metrics please");
      assertEquals("metrics please", receiveText(program));
      Datagram sent = server.datagrams().get(0);
      assertEquals(Direction.SENT, sent.direction());
      assertEquals(program.getLocalAddress(), sent.receiver());
    }
  }

  @Test
  void aResponderThatThrowsAnErrorIsReportedAndTheFakeKeepsReceiving() throws IOException {
    UdpServer server =
        UdpServer.create().withName("boom").withResponder(DatagramResponder.replyWith(d -> {
          throw new StackOverflowError("deliberate");
        })).start();
    try (DatagramChannel client = DatagramChannel.open()) {
      client.send(ByteBuffer.wrap(new byte[] {1}), server.address());
      client.send(ByteBuffer.wrap(new byte[] {2}), server.address());
      server.awaitDatagrams(2);
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("UdpServer 'boom' failed on datagram #0"), error.getMessage());
    assertTrue(error.getMessage().contains("deliberate"), error.getMessage());
  }

  @Test
  void waitingInVainSaysWhatArrivedAndWhichClientsCannotReachIt() throws IOException {
    try (UdpServer server = UdpServer.create().withName("quiet").withTimeout(Duration.ofMillis(200)).start()) {
      AssertionFailedError nothing = assertThrows(AssertionFailedError.class, server::awaitDatagram);
      assertTrue(nothing.getMessage().contains("UdpServer 'quiet' to receive a datagram"), nothing.getMessage());
      assertTrue(nothing.getMessage().contains("it received no datagram"), nothing.getMessage());
      assertTrue(nothing.getMessage().contains("use a TcpServer"), nothing.getMessage());
      try (DatagramChannel client = DatagramChannel.open()) {
        client.send(ByteBuffer.wrap("other".getBytes(StandardCharsets.UTF_8)), server.address());
      }
      server.awaitDatagram();
      AssertionFailedError other = assertThrows(AssertionFailedError.class, () -> server.awaitReceived("expected"));
      assertTrue(other.getMessage().contains("|other|"), other.getMessage());
    }
  }

  @Test
  void takeDatagramHandsOutEachDatagramOnce() throws IOException {
    try (UdpServer server = UdpServer.create().start(); DatagramChannel client = DatagramChannel.open()) {
      for (String text : List.of("a", "b")) {
        client.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server.address());
      }
      assertEquals("a", server.takeDatagram().bytes().text());
      assertEquals("b", server.takeDatagram().bytes().text());
    }
  }

  @Test
  void addressAccessorsBeforeStartSayToStart() {
    UdpServer udp = UdpServer.create();
    IllegalStateException error = assertThrows(IllegalStateException.class, udp::port);
    assertTrue(error.getMessage().contains("call start() first"), error.getMessage());
    assertThrows(IllegalStateException.class, () -> UnixDatagramServer.create().path());
    assertThrows(IllegalStateException.class, () -> udp.sendTo(new InetSocketAddress(1), "x"));
    assertThrows(IllegalArgumentException.class, () -> UdpServer.create().withPort(70_000));
  }

  // ---- Unix datagram ----

  @Test
  void unixRecordsAnUnnamedSenderAndABoundOneAndAnswersOnlyTheBoundOne() throws IOException {
    try (UnixDatagramServer server = UnixDatagramServer.create().withName("log").withResponder(DatagramResponder.echo()).start();
        AFUNIXDatagramChannel unnamed = AFUNIXDatagramChannel.open();
        AFUNIXDatagramChannel named = AFUNIXDatagramChannel.open()) {
      Path clientPath = dir.resolve("client.sock");
      named.bind(AFUNIXSocketAddress.of(clientPath));
      AFUNIXSocketAddress target = AFUNIXSocketAddress.of(server.path());
      unnamed.send(ByteBuffer.wrap("<13>anonymous".getBytes(StandardCharsets.UTF_8)), target);
      named.send(ByteBuffer.wrap("<13>named".getBytes(StandardCharsets.UTF_8)), target);
      List<Datagram> received = server.awaitDatagrams(2);
      assertEquals(UnixDomainSocketAddress.of(""), received.get(0).sender());
      assertEquals(UnixDomainSocketAddress.of(clientPath), received.get(1).sender());
      assertEquals(UnixDomainSocketAddress.of(server.path()), received.get(1).receiver());
      assertEquals("<13>named", receiveText(named));
      server.stop();
      throw new AssertionError("stop() must report the reply that had nowhere to go");
    } catch (AssertionFailedError expected) {
      assertTrue(expected.getMessage().contains("did not bind an address"), expected.getMessage());
    }
  }

  @Test
  void unixRecordsEmptyDatagramsFromAnUnnamedSenderBetweenOthers() throws Exception {
    // junixsocket sends nothing for an empty buffer, so Python sends: unnamed, as logger does.
    try (UnixDatagramServer server = UnixDatagramServer.create().start()) {
      String script = "import socket\n"
          + "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
          + "for payload in (b'', b'a', b'', b'', b'b'):\n"
          + "    s.sendto(payload, '" + server.path() + "')\n";
      ExternalTools.Result result = ExternalTools.run(List.of("python3", "-c", script), "");
      assertEquals(0, result.exitCode(), result.stderr());
      List<Datagram> received = server.awaitDatagrams(5);
      assertEquals(List.of("", "a", "", "", "b"), received.stream().map(d -> d.bytes().text()).toList());
      assertTrue(received.stream().allMatch(d -> d.sender().equals(UnixDomainSocketAddress.of(""))));
    }
  }

  @Test
  void aReplyWithNowhereToGoIsReportedAlsoWhenTheFakeStopsMeanwhile() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    UnixDatagramServer server = UnixDatagramServer.create().withName("late").withResponder(DatagramResponder.replyWith(d -> {
      try {
        release.await(); // the reply is decided only once the fake has begun to stop
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Bytes.of("answer");
    })).start();
    try (AFUNIXDatagramChannel unnamed = AFUNIXDatagramChannel.open()) {
      unnamed.send(ByteBuffer.wrap("ask".getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.of(server.path()));
      server.awaitDatagram();
    }
    java.util.concurrent.CompletableFuture<Void> closing = java.util.concurrent.CompletableFuture.runAsync(server::close);
    org.awaitility.Awaitility.await().atMost(SHORT).until(() -> !server.isRunning());
    release.countDown();
    java.util.concurrent.ExecutionException stopped =
        assertThrows(java.util.concurrent.ExecutionException.class, () -> closing.get(10, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(stopped.getCause().getMessage().contains("did not bind an address"), stopped.getCause().getMessage());
  }

  @Test
  void unixRecordsA200KibDatagramWhole() throws IOException {
    byte[] big = new byte[200 * 1024];
    new Random(3).nextBytes(big);
    try (UnixDatagramServer server = UnixDatagramServer.create().start();
        AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
      client.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1024 * 1024);
      client.send(ByteBuffer.wrap(big), AFUNIXSocketAddress.of(server.path()));
      assertArrayEquals(big, server.awaitDatagram().bytes().toByteArray());
      server.verify();
    }
  }

  @Test
  void unixFloodOf100kDatagramsLosesNothing() throws IOException {
    int count = 100_000;
    try (UnixDatagramServer server = UnixDatagramServer.create().withTimeout(Duration.ofSeconds(60)).start();
        AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
      AFUNIXSocketAddress target = AFUNIXSocketAddress.of(server.path());
      ByteBuffer payload = ByteBuffer.allocate(8);
      for (int i = 0; i < count; i++) {
        payload.clear();
        payload.putInt(i).putInt(~i).flip();
        client.send(payload, target); // blocking: a Unix datagram sender waits while the queue is full
      }
      List<Datagram> received = server.awaitDatagrams(count);
      for (int i = 0; i < count; i++) {
        ByteBuffer got = ByteBuffer.wrap(received.get(i).bytes().toByteArray());
        assertEquals(i, got.getInt(), "datagram #" + i + " in order");
        assertEquals(~i, got.getInt());
      }
      server.verify();
    }
  }

  @Test
  void sendsFromSeveralThreadsDuringAFloodAreAllMadeAndNothingElseIsRecorded() throws Exception {
    // The receive thread makes every send; other threads wake it with a datagram of the fake's own,
    // which must never show up in the recording, not even while the program floods the queue.
    int flood = 20_000;
    int threads = 4;
    int sendsEach = 200;
    try (AFUNIXDatagramChannel program = AFUNIXDatagramChannel.open();
        UnixDatagramServer server = UnixDatagramServer.create().withTimeout(Duration.ofSeconds(30)).start()) {
      program.bind(AFUNIXSocketAddress.of(dir.resolve("busy.sock")));
      SocketAddress back = UnixDomainSocketAddress.of(dir.resolve("busy.sock"));
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<?>> senders = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          senders.add(pool.submit(() -> {
            for (int i = 0; i < sendsEach; i++) {
              server.sendTo(back, thread + ":" + i);
            }
          }));
        }
        Thread reader = new Thread(() -> {
          ByteBuffer buffer = ByteBuffer.allocate(100);
          try {
            for (int i = 0; i < threads * sendsEach; i++) {
              buffer.clear();
              program.receive(buffer); // keeps the program's queue from filling up
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        reader.start();
        AFUNIXSocketAddress target = AFUNIXSocketAddress.of(server.path());
        ByteBuffer payload = ByteBuffer.allocate(4);
        for (int i = 0; i < flood; i++) {
          payload.clear();
          payload.putInt(i).flip();
          program.send(payload, target);
        }
        for (java.util.concurrent.Future<?> sender : senders) {
          sender.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        reader.join(SHORT.toMillis());
        assertFalse(reader.isAlive(), "the program received every datagram the fake sent");
      } finally {
        pool.shutdownNow();
      }
      List<Datagram> received = server.awaitDatagrams(flood);
      for (int i = 0; i < flood; i++) {
        assertEquals(i, ByteBuffer.wrap(received.get(i).bytes().toByteArray()).getInt(), "datagram #" + i + " in order");
      }
      List<Datagram> all = server.datagrams();
      assertEquals(flood + threads * sendsEach, all.size(), "every datagram both ways, and nothing else");
      assertEquals(flood, server.receivedDatagrams().size());
      for (int t = 0; t < threads; t++) {
        int thread = t;
        List<String> sent = all.stream().filter(d -> d.direction() == Direction.SENT)
            .map(d -> d.bytes().text()).filter(text -> text.startsWith(thread + ":")).toList();
        assertEquals(java.util.stream.IntStream.range(0, sendsEach).mapToObj(i -> thread + ":" + i).toList(), sent,
            "thread " + thread + "'s sends, each once and in its order");
      }
      server.verify();
    }
  }

  @Test
  void aStreamClientGetsProtocolWrongTypeAndTheWaitSaysWhy() throws IOException {
    try (UnixDatagramServer server = UnixDatagramServer.create().withName("devlog").withTimeout(Duration.ofMillis(200)).start()) {
      IOException refused =
          assertThrows(IOException.class, () -> SocketChannel.open(StandardProtocolFamily.UNIX).connect(server.address()));
      assertTrue(String.valueOf(refused.getMessage()).contains("Protocol wrong type"), String.valueOf(refused.getMessage()));
      AssertionFailedError waited = assertThrows(AssertionFailedError.class, server::awaitDatagram);
      assertTrue(waited.getMessage().contains("Protocol wrong type for socket"), waited.getMessage());
      assertTrue(waited.getMessage().contains("UnixSocketServer"), waited.getMessage());
    }
  }

  @Test
  void unixSocketFileHasItsPermissionsAndIsRemovedOnStop() throws IOException {
    Path path;
    try (UnixDatagramServer server = UnixDatagramServer.create().withPermissions("rw-rw-rw-").start()) {
      path = server.path();
      assertEquals("rw-rw-rw-", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }
    assertFalse(Files.exists(path), path + " is gone");
    assertFalse(Files.exists(path.getParent()), "its own directory is gone too");
  }

  @Test
  void anExplicitPathReplacesAStaleSocketAndFailsWhileSomeoneUsesIt() throws IOException {
    Path path = dir.resolve("log.sock");
    try (AFUNIXDatagramChannel crashed = AFUNIXDatagramChannel.open()) {
      crashed.setDeleteOnClose(false);
      crashed.bind(AFUNIXSocketAddress.of(path));
    }
    assertTrue(Files.exists(path), "a stale socket file, as a crashed daemon leaves it");
    try (UnixDatagramServer first = UnixDatagramServer.create().withPath(path).start()) {
      UnixDatagramServer second = UnixDatagramServer.create().withPath(path);
      RuntimeException busy = assertThrows(IllegalStateException.class, second::start);
      assertTrue(busy.getMessage().contains("something is listening on (or bound to) " + path), busy.getMessage());
      assertEquals(path, first.path());
    }
    assertFalse(Files.exists(path));
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, disabledReason = "the abstract namespace is Linux's")
  void abstractNamespaceReceivesWithoutAFile() throws IOException {
    String name = "sockpuppet-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (UnixDatagramServer server = UnixDatagramServer.create().withAbstractName(name).start();
        AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
      client.send(ByteBuffer.wrap("abstract".getBytes(StandardCharsets.UTF_8)), AFUNIXSocketAddress.inAbstractNamespace(name));
      assertEquals("abstract", server.awaitDatagram().bytes().text());
      assertThrows(IllegalStateException.class, server::path);
    }
  }

  @Test
  void loggerSendsADatagramThatIsRecordedWhole() throws Exception {
    ExternalTools.require("logger");
    try (UnixDatagramServer server = UnixDatagramServer.create().start()) {
      ExternalTools.Result result = ExternalTools.run(
          List.of("logger", "-u", server.path().toString(), "-t", "myapp", "hello from logger"), "");
      assertEquals(0, result.exitCode(), result.stderr());
      String text = server.awaitDatagram().bytes().text();
      assertTrue(text.startsWith("<13>"), text);
      assertTrue(text.endsWith("myapp: hello from logger"), text);
    }
  }

  @Test
  void stopIsBoundedWhileAReplyWaitsForAProgramThatNeverReads() throws IOException {
    try (AFUNIXDatagramChannel program = AFUNIXDatagramChannel.open()) {
      program.bind(AFUNIXSocketAddress.of(dir.resolve("deaf.sock")));
      UnixDatagramServer server = UnixDatagramServer.create().withTimeout(Duration.ofMinutes(5)).start();
      SocketAddress deaf = UnixDomainSocketAddress.of(dir.resolve("deaf.sock"));
      Thread sender = new Thread(() -> {
        try {
          for (int i = 0; i < 100_000; i++) {
            server.sendTo(deaf, "x");
          }
        } catch (RuntimeException expected) {
          // the fake stopped while the program's queue was full
        }
      });
      sender.start();
      org.awaitility.Awaitility.await().atMost(SHORT.multipliedBy(5)).until(() -> server.datagrams().size() > 10);
      long began = System.nanoTime();
      server.close();
      assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(5)) < 0, "stop is bounded");
      try {
        sender.join(SHORT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertFalse(sender.isAlive(), "the blocked send ended with the stop");
    }
  }

  @Test
  void aSendTheProgramNeverTakesFailsAfterTheTimeoutAndIsNotRecorded() throws IOException {
    try (AFUNIXDatagramChannel program = AFUNIXDatagramChannel.open()) {
      program.bind(AFUNIXSocketAddress.of(dir.resolve("never-reads.sock")));
      try (UnixDatagramServer server = UnixDatagramServer.create().withName("pushy").withTimeout(Duration.ofMillis(300)).start()) {
        SocketAddress deaf = UnixDomainSocketAddress.of(dir.resolve("never-reads.sock"));
        java.io.UncheckedIOException full = assertThrows(java.io.UncheckedIOException.class, () -> {
          for (int i = 0; i < 1_000_000; i++) {
            server.sendTo(deaf, "x".repeat(1000));
          }
        });
        assertTrue(full.getMessage().contains("did not take the datagram within 300 ms"), full.getMessage());
        int sent = server.datagrams().size();
        assertTrue(sent > 0, "the ones the program's queue took are on record");
        assertEquals(sent, server.datagrams().size(), "the datagram that never left is not on record");
        program.receive(ByteBuffer.allocate(2000));
        server.sendTo(deaf, "room again");
        assertEquals(sent + 1, server.datagrams().size(), "the fake still sends once the program reads");
      }
    }
  }

  @Test
  void aReplyTheProgramNeverTakesIsAProblemOfTheFakeAndStopStaysBounded() throws IOException {
    try (AFUNIXDatagramChannel program = AFUNIXDatagramChannel.open()) {
      program.bind(AFUNIXSocketAddress.of(dir.resolve("asks-never-reads.sock")));
      UnixDatagramServer server = UnixDatagramServer.create().withName("echoes").withTimeout(Duration.ofMillis(300))
          .withResponder(DatagramResponder.replyWith(d -> Bytes.of(new byte[1000]))).start();
      SocketAddress deaf = UnixDomainSocketAddress.of(dir.resolve("asks-never-reads.sock"));
      assertThrows(java.io.UncheckedIOException.class, () -> {
        for (int i = 0; i < 1_000_000; i++) {
          server.sendTo(deaf, "fill"); // until the program's receive queue is full
        }
      });
      program.send(ByteBuffer.wrap(new byte[] {1}), AFUNIXSocketAddress.of(server.path()));
      server.awaitDatagram();
      org.awaitility.Awaitility.await("the unsent reply to be reported").atMost(SHORT.multipliedBy(5)).until(() -> {
        try {
          server.verify();
          return false;
        } catch (AssertionFailedError problem) {
          return true;
        }
      });
      AssertionFailedError reported = assertThrows(AssertionFailedError.class, server::close);
      assertTrue(reported.getMessage().contains("did not take the datagram within 300 ms"), reported.getMessage());
    }
  }

  // ---- helpers ----

  private static String receiveText(DatagramChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(70_000);
    channel.socket().setSoTimeout((int) SHORT.toMillis());
    // A blocking channel's receive is not bounded by SO_TIMEOUT; read through the socket instead.
    java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer.array(), buffer.capacity());
    channel.socket().receive(packet);
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  private static List<Datagram> awaitDatagramsBothWays(DatagramServer server, int count) {
    org.awaitility.Awaitility.await().atMost(SHORT).until(() -> server.datagrams().size() >= count);
    return server.datagrams();
  }
}
