package dev.sockpuppet.samples.audit;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A small real program: an audit log that writes each event as one RFC 5424 syslog datagram to the
 * local syslog socket, the way services log to {@code /dev/log}. The socket's path and the app
 * name come from its configuration ({@code syslog.socket}, default {@code /dev/log}; {@code
 * app.name}, default {@code app}).
 *
 * <p>An event is facility {@code authpriv}, severity {@code notice} when it succeeded and {@code
 * warning} when it failed, MSGID the action in upper case, and the user and action as structured
 * data {@code [audit@32473 user="…" action="…"]}:
 *
 * <pre>{@code
 * <84>1 2026-11-21T19:06:02.123Z host shop 4242 LOGIN [audit@32473 user="alice" action="login"] login failed for alice
 * }</pre>
 *
 * <p>The JDK has no Unix datagram sockets, so this uses junixsocket's {@code AFUNIXDatagramChannel}.
 */
public final class AuditLog implements AutoCloseable {
  /** The configuration key holding the syslog socket's path. */
  public static final String SOCKET_KEY = "syslog.socket";
  /** The configuration key holding the APP-NAME. */
  public static final String APP_NAME_KEY = "app.name";

  private static final int AUTHPRIV = 10;
  private static final int WARNING = 4;
  private static final int NOTICE = 5;

  private final AFUNIXDatagramChannel channel;
  private final String appName;
  private final String hostname;
  private final long pid = ProcessHandle.current().pid();

  private AuditLog(AFUNIXDatagramChannel channel, String appName, String hostname) {
    this.channel = channel;
    this.appName = appName;
    this.hostname = hostname;
  }

  /** Opens the audit log on the socket that {@code config} names. */
  public static AuditLog fromConfig(Map<String, String> config) throws IOException {
    Path socket = Path.of(config.getOrDefault(SOCKET_KEY, "/dev/log"));
    String appName = config.getOrDefault(APP_NAME_KEY, "app");
    AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
    try {
      channel.connect(AFUNIXSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot reach the syslog socket " + socket + " (" + SOCKET_KEY + "): " + e.getMessage(), e);
    }
    return new AuditLog(channel, appName, InetAddress.getLocalHost().getHostName());
  }

  /** Records that {@code user} did {@code action}, and whether it succeeded. */
  public void record(String user, String action, boolean succeeded) throws IOException {
    int priority = AUTHPRIV * 8 + (succeeded ? NOTICE : WARNING);
    String text = action + (succeeded ? " succeeded for " : " failed for ") + user;
    String line = "<" + priority + ">1 " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + hostname + " " + appName
        + " " + pid + " " + action.toUpperCase(Locale.ROOT)
        + " [audit@32473 user=\"" + escape(user) + "\" action=\"" + escape(action) + "\"] " + text;
    channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
  }

  /** A PARAM-VALUE as RFC 5424 §6.3.3 writes it: backslash, quote and closing bracket escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
