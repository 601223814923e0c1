package dev.sockpuppet.samples.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A small real program: the control client of a service manager daemon, which listens on a Unix
 * socket and speaks a line protocol.
 *
 * <pre>
 * -> STATUS web
 * <- OK running pid=4242
 * -> RESTART web
 * <- OK restarted
 * -> STATUS nope
 * <- ERR no such service
 * </pre>
 *
 * <p>Each call opens a connection, sends one command, reads one reply line and closes, the way
 * many daemon clients work. The socket path comes from the caller (a configuration value).
 */
public final class DaemonClient {
  private final Path socket;

  public DaemonClient(Path socket) {
    this.socket = Objects.requireNonNull(socket, "socket");
  }

  /** The state the daemon reports for {@code service}, e.g. {@code "running pid=4242"}. */
  public String status(String service) throws IOException {
    return call("STATUS " + service);
  }

  /** Asks the daemon to restart {@code service}. */
  public void restart(String service) throws IOException {
    call("RESTART " + service);
  }

  private String call(String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
      out.write(command + "\n");
      out.flush();
      channel.shutdownOutput();
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
      String reply = in.readLine();
      if (reply == null) {
        throw new IOException("the daemon at " + socket + " closed the connection without answering " + command);
      }
      if (reply.startsWith("OK ")) {
        return reply.substring(3);
      }
      throw new DaemonException(command, reply);
    }
  }

  /** The daemon answered a command with an error. */
  public static final class DaemonException extends IOException {
    private static final long serialVersionUID = 1L;

    DaemonException(String command, String reply) {
      super("the daemon refused \"" + command + "\": " + reply);
    }
  }
}
