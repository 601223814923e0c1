package dev.sockpuppet.samples.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A small real program: a client that sends counters to a metrics collector over TCP, one line per
 * counter in the statsd style ({@code logins:3|c}). It finds the collector in the system property
 * {@code metrics.address} ({@code host:port}), the way many services read their configuration.
 */
public final class MetricsClient implements AutoCloseable {
  /** The system property holding the collector's {@code host:port}. */
  public static final String ADDRESS_PROPERTY = "metrics.address";

  private final Socket socket;
  private final OutputStream out;

  private MetricsClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Connects to the collector named by {@value #ADDRESS_PROPERTY}. */
  public static MetricsClient fromSystemProperties() throws IOException {
    String address = System.getProperty(ADDRESS_PROPERTY);
    if (address == null || !address.contains(":")) {
      throw new IllegalStateException("set " + ADDRESS_PROPERTY + " to host:port, got " + address);
    }
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(address.substring(colon + 1));
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    return new MetricsClient(socket);
  }

  /** Adds {@code delta} to the counter {@code name}. */
  public void count(String name, long delta) throws IOException {
    out.write((name + ":" + delta + "|c\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
