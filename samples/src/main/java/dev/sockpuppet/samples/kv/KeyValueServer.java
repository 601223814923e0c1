package dev.sockpuppet.samples.kv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small real program that is itself a server: a key-value store on a Unix socket, speaking one
 * command per line ({@code SET key value}, {@code GET key}, {@code DEL key}, {@code QUIT}) and
 * answering each with one line ({@code OK}, {@code VALUE v}, {@code NOT_FOUND}, {@code ERR …},
 * {@code BYE}). Every client gets a thread of its own; keys are shared between them.
 */
public final class KeyValueServer implements AutoCloseable {
  private static final int MAX_LINE = 1024;

  private final Path path;
  private final ServerSocketChannel listener;
  private final Map<String, String> store = new ConcurrentHashMap<>();
  private final Thread acceptor;

  private KeyValueServer(Path path, ServerSocketChannel listener) {
    this.path = path;
    this.listener = listener;
    this.acceptor = new Thread(this::acceptLoop, "kv-accept");
    this.acceptor.setDaemon(true);
  }

  /** Listens on {@code path} and serves until {@link #close()}. */
  public static KeyValueServer listen(Path path) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    KeyValueServer server = new KeyValueServer(path, listener);
    server.acceptor.start();
    return server;
  }

  private void acceptLoop() {
    while (listener.isOpen()) {
      try {
        SocketChannel client = listener.accept();
        Thread worker = new Thread(() -> serve(client), "kv-client");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client;
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        Writer out = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String answer = line.length() > MAX_LINE ? "ERR line too long" : answer(line);
        out.write(answer + "\n");
        out.flush();
        if (answer.equals("BYE")) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away; nothing to clean up beyond the channel
    }
  }

  private String answer(String line) {
    String[] words = line.trim().split(" ", 3);
    switch (words[0]) {
      case "SET":
        if (words.length != 3) {
          return "ERR usage: SET key value";
        }
        store.put(words[1], words[2]);
        return "OK";
      case "GET":
        if (words.length != 2) {
          return "ERR usage: GET key";
        }
        String value = store.get(words[1]);
        return value == null ? "NOT_FOUND" : "VALUE " + value;
      case "DEL":
        return words.length == 2 && store.remove(words[1]) != null ? "OK" : "NOT_FOUND";
      case "QUIT":
        return "BYE";
      default:
        return "ERR unknown command " + words[0];
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    Files.deleteIfExists(path);
  }
}
