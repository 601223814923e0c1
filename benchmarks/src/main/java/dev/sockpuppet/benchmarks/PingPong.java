package dev.sockpuppet.benchmarks;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One client connection doing 100-byte request/response exchanges with an echoing peer: a raw JDK
 * echo server, a fake with {@link Responder#echo()}, or a fake whose {@link Handler} reads exactly
 * 100 bytes and writes them back, or a fake whose {@link Script} expects the request and sends it back.
 */
final class PingPong implements AutoCloseable {
  static final int MESSAGE = 100;
  /** Bounds the handler's loop; far more exchanges than any benchmark iteration makes. */
  private static final long MAX_EXCHANGES = 1_000_000_000L;

  /** Reads exactly 100 bytes and writes them back, until the server stops or the peer leaves. */
  static final Handler ECHO_HANDLER = connection -> {
    for (long i = 0; i < MAX_EXCHANGES; i++) {
      connection.write(connection.readExactly(MESSAGE));
    }
  };

  /** The request every exchange sends. */
  private static final Bytes REQUEST = Bytes.of(requestBytes());

  /**
   * The scripted peer: expects the request and sends it back, as one step each, repeated far more
   * often than an iteration exchanges (unfinished scripts are allowed, since the benchmark stops it).
   */
  static final Script SCRIPT = Script.create().expectBytes(REQUEST).sendBytes(REQUEST).repeat(1_000_000);

  private final RawServer raw;
  private final StreamServer fake;
  private final SocketChannel client;
  private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE);
  private final ByteBuffer response = ByteBuffer.allocateDirect(MESSAGE);

  private PingPong(RawServer raw, StreamServer fake, SocketAddress address) throws IOException {
    this.raw = raw;
    this.fake = fake;
    this.client = Transport.connect(address);
    request.put(requestBytes());
  }

  static PingPong start(Transport transport, Peer peer, Path unixDirectory) throws IOException {
    if (peer == Peer.RAW_ECHO) {
      RawServer raw = RawServer.start(transport, unixDirectory, RawServer.Behaviour.ECHO);
      return new PingPong(raw, null, raw.address());
    }
    StreamServer fake;
    if (transport == Transport.TCP) {
      TcpServer tcp = TcpServer.create().withUnfinishedScriptsAllowed();
      fake = peer == Peer.FAKE_ECHO ? tcp.withResponder(Responder.echo())
          : peer == Peer.FAKE_SCRIPT ? tcp.withScript(SCRIPT) : tcp.withHandler(ECHO_HANDLER);
    } else {
      UnixSocketServer unix = UnixSocketServer.create().withUnfinishedScriptsAllowed();
      fake = peer == Peer.FAKE_ECHO ? unix.withResponder(Responder.echo())
          : peer == Peer.FAKE_SCRIPT ? unix.withScript(SCRIPT) : unix.withHandler(ECHO_HANDLER);
    }
    fake.start();
    return new PingPong(null, fake, fake.address());
  }

  private static byte[] requestBytes() {
    byte[] bytes = new byte[MESSAGE];
    for (int i = 0; i < MESSAGE; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    return bytes;
  }

  /** Sends 100 bytes and waits until all 100 came back; returns the last byte. */
  byte exchange() throws IOException {
    request.clear();
    while (request.hasRemaining()) {
      client.write(request);
    }
    response.clear();
    // Bounded: each read returns at least one byte or end-of-stream, which throws.
    while (response.hasRemaining()) {
      if (client.read(response) < 0) {
        throw new EOFException("the peer closed after " + response.position() + " of " + MESSAGE + " bytes");
      }
    }
    return response.get(MESSAGE - 1);
  }

  /** Bytes the fake recorded as received; -1 for the raw server, which records nothing. */
  long recordedBytes() {
    return fake == null ? -1 : fake.connections().get(0).received().size();
  }

  /** Stops the server first, so a handler ends by the shutdown rather than by a vanished peer. */
  @Override
  public void close() throws IOException {
    try {
      if (fake != null) {
        fake.close();
      }
      if (raw != null) {
        raw.close();
      }
    } finally {
      client.close();
    }
  }
}
