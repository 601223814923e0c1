package dev.sockpuppet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.LineRules;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.http.HttpResponder;
import dev.sockpuppet.http.HttpResponse;
import dev.sockpuppet.internal.engine.Threads;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Which thread plays a connection: a virtual one on Java 21+ only when the library's code alone
 * runs on it, the channel is the JDK's, and the setting (by default: past the first platform
 * threads) allows it; and that a virtual thread keeps every promise a platform one does (recorded
 * bytes, bounded stop, nothing left behind). The whole suite runs on Java 17, and on 25 with every
 * such connection virtual, in CI, so each assertion below is checked both ways.
 *
 * <p>Every client read is bounded: sockets by their read timeout, channels by the class timeout,
 * whose interrupt closes a channel blocked in a read.
 */
@Timeout(60)
@Isolated("sets the system property that every fake reads when it starts, and counts the JVM's connection threads")
class ConnectionThreadsTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final boolean JVM_HAS_VIRTUAL_THREADS = Runtime.version().feature() >= 21;

  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(Threads.MODE_PROPERTY);
  }

  @AfterEach
  void restore() {
    withProperty(before);
  }

  @Test
  void connectionsThatRunUserCodeKeepAPlatformThreadEvenWhenVirtualIsAsked() throws Exception {
    withProperty("virtual");
    HttpResponder http = HttpResponder.create().on("GET", "/", request -> HttpResponse.ok("fine"));
    try (StreamServer handler =
            TcpServer.create().withName("threads-handler").withHandler(connection -> connection.readLine()).start();
        StreamServer function =
            TcpServer.create().withName("threads-function")
                .withResponder(Responder.lines(LineRules.create().when("PING").reply(line -> "PONG"))).start();
        StreamServer answers =
            TcpServer.create().withName("threads-http").withResponder(http.responder()).start();
        StreamServer mixed =
            TcpServer.create().withName("threads-mixed")
                .withResponder(Responder.perConnection(Responder.echo(), Responder.lines(
                    LineRules.create().when("PING").reply(line -> "PONG")))).start();
        Socket toHandler = connect(handler);
        Socket toFunction = connect(function);
        Socket toHttp = connect(answers);
        Socket toMixed = connect(mixed)) {
      for (String name : List.of("threads-handler", "threads-function", "threads-http", "threads-mixed")) {
        assertFalse(Threads.isVirtual(awaitConnectionThread(name)), name + "'s connection thread");
      }
    }
  }

  @Test
  void junixsocketChannelsKeepAPlatformThreadEvenWhenVirtualIsAsked() throws Exception {
    withProperty("virtual");
    try (StreamServer credentials =
            UnixSocketServer.create().withName("threads-credentials").withPeerCredentials().start();
        SocketChannel client = SocketChannel.open(credentials.address())) {
      assertFalse(Threads.isVirtual(awaitConnectionThread("threads-credentials")));
    }
  }

  @Test
  void virtualPutsRecordOnlyEchoScriptedAndFixedLineConnectionsOnVirtualThreads() throws Exception {
    withProperty("virtual");
    try (StreamServer sink = TcpServer.create().withName("threads-sink").start();
        StreamServer echo = UnixSocketServer.create().withName("threads-echo").withResponder(Responder.echo()).start();
        StreamServer script =
            TcpServer.create().withName("threads-script").withScript(Script.create().expectLine("hi").sendLine("ho").expectEof()).start();
        StreamServer fixedLines =
            TcpServer.create().withName("threads-fixed-lines")
                .withResponder(Responder.lines(LineRules.create().when("PING").reply("PONG"))).start()) {
      try (Socket toSink = connect(sink);
          SocketChannel toEcho = SocketChannel.open(echo.address());
          Socket toScript = connect(script);
          Socket toLines = connect(fixedLines)) {
        toSink.getOutputStream().write("recorded".getBytes(StandardCharsets.UTF_8));
        toEcho.write(ByteBuffer.wrap("echoed".getBytes(StandardCharsets.UTF_8)));
        assertEquals("echoed", readExactly(toEcho, 6));
        toScript.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("ho\n", readExactly(toScript.getInputStream(), 3));
        toLines.getOutputStream().write("PING\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("PONG\n", readExactly(toLines.getInputStream(), 5));

        for (String name : List.of("threads-sink", "threads-echo", "threads-script", "threads-fixed-lines")) {
          assertEquals(JVM_HAS_VIRTUAL_THREADS, Threads.isVirtual(awaitConnectionThread(name)),
              name + "'s connection thread on Java " + Runtime.version().feature());
        }
        sink.awaitReceived("recorded");
      }
      script.awaitConnection().awaitClosed();
      script.verify();
    }
  }

  @Test
  void autoGivesPlatformThreadsFirstAndVirtualOnesBeyondTheLimit() throws Exception {
    withProperty(null);
    int count = 1_000;
    List<SocketChannel> clients = new ArrayList<>();
    StreamServer server = UnixSocketServer.create().withName("threads-thousand").withResponder(Responder.echo()).start();
    try {
      for (int i = 0; i < count; i++) {
        clients.add(SocketChannel.open(server.address()));
      }
      for (int i = 0; i < count; i++) {
        clients.get(i).write(ByteBuffer.wrap(new byte[] {(byte) i}));
      }
      for (int i = 0; i < count; i++) {
        ByteBuffer echo = ByteBuffer.allocate(1);
        while (echo.hasRemaining()) {
          if (clients.get(i).read(echo) < 0) {
            throw new IOException("connection " + i + " ended before its echo");
          }
        }
        assertEquals((byte) i, echo.get(0), "echo of connection " + i);
      }
      assertEquals(count, server.connections().size());
      List<Thread> threads = connectionThreads("threads-thousand");
      assertEquals(count, threads.size(), "live connection threads");
      long virtual = threads.stream().filter(Threads::isVirtual).count();
      // Nothing else runs (isolated), so the first connections take the platform threads.
      assertFalse(Threads.isVirtual(awaitConnectionThread("threads-thousand")), "the first connection's thread");
      if (JVM_HAS_VIRTUAL_THREADS) {
        assertTrue(virtual >= count - Threads.PLATFORM_CONNECTIONS && virtual < count, virtual + " virtual of " + count);
      } else {
        assertEquals(0, virtual);
      }
      // The fake stops with every connection still open at the program's end.
      server.stop();
      assertEquals(List.of(), connectionThreads("threads-thousand"), "connection threads after stop()");
      for (int i = 0; i < count; i++) {
        assertArrayEquals(new byte[] {(byte) i}, server.connection(i).received().toByteArray());
      }
    } finally {
      for (SocketChannel client : clients) {
        client.close();
      }
      server.close();
    }
  }

  @Test
  void platformTurnsVirtualThreadsOff() throws Exception {
    withProperty("platform");
    try (StreamServer sink = TcpServer.create().withName("threads-property-platform").start();
        Socket client = connect(sink)) {
      assertFalse(Threads.isVirtual(awaitConnectionThread("threads-property-platform")));
    }
  }

  @Test
  void anUnknownValueFailsTheStartAndSaysWhatItTakes() {
    withProperty("green");
    // A handler's fake too: its own connections are platform anyway, but the setting is wrong.
    try (TcpServer server = TcpServer.create().withName("threads-property-green").withHandler(c -> c.readLine())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
      assertTrue(e.getMessage().contains(Threads.MODE_PROPERTY) && e.getMessage().contains("\"green\"")
          && e.getMessage().contains("\"platform\"") && e.getMessage().contains("\"virtual\""), e.getMessage());
      assertFalse(server.isRunning());
    }
  }

  /** Sets the system property, or clears it for null. */
  private static void withProperty(String value) {
    if (value == null) {
      System.clearProperty(Threads.MODE_PROPERTY);
    } else {
      System.setProperty(Threads.MODE_PROPERTY, value);
    }
  }

  private static Socket connect(StreamServer server) throws IOException {
    InetSocketAddress address = (InetSocketAddress) server.address();
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout((int) BOUND.toMillis()); // an interrupt does not end a plain socket's read
    return socket;
  }

  private static Thread awaitConnectionThread(String fake) {
    String name = "sockpuppet-" + fake + "-conn-0";
    return Awaitility.await(name + " to run").atMost(BOUND).pollInterval(Duration.ofMillis(5))
        .until(() -> Threads.live().stream().filter(t -> t.getName().equals(name)).findFirst().orElse(null),
            thread -> thread != null);
  }

  private static List<Thread> connectionThreads(String fake) {
    String prefix = "sockpuppet-" + fake + "-conn-";
    return Threads.live().stream().filter(t -> t.getName().startsWith(prefix)).toList();
  }

  private static String readExactly(InputStream in, int count) throws IOException {
    return new String(in.readNBytes(count), StandardCharsets.UTF_8);
  }

  private static String readExactly(SocketChannel channel, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new IOException("end of stream after " + buffer.position() + " bytes");
      }
    }
    return new String(buffer.array(), StandardCharsets.UTF_8);
  }
}
