package dev.sockpuppet.samples.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A small real program: sends a one-line notice through a mail relay that speaks a tiny SMTP
 * dialect. The relay talks first (a {@code 220} greeting), every command gets a reply line, and a
 * relay that drops the connection is tried once more, because relays restart and load balancers
 * reset idle connections.
 */
public final class MailNotifier {
  private static final int TIMEOUT_MILLIS = 5_000;

  private final InetSocketAddress relay;

  public MailNotifier(InetSocketAddress relay) {
    this.relay = relay;
  }

  /**
   * Sends {@code text} to {@code recipient}, trying a second time if the first connection fails.
   *
   * @throws IOException if both attempts fail, or the relay refuses the message
   */
  public void send(String recipient, String text) throws IOException {
    try {
      attempt(recipient, text);
    } catch (RelayRefused refused) {
      throw refused;
    } catch (IOException firstFailure) {
      try {
        attempt(recipient, text);
      } catch (IOException secondFailure) {
        secondFailure.addSuppressed(firstFailure);
        throw secondFailure;
      }
    }
  }

  private void attempt(String recipient, String text) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(relay, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in, "220");
      command(out, in, "HELO notifier", "250");
      command(out, in, "RCPT TO:<" + recipient + ">", "250");
      command(out, in, "DATA " + text, "250");
      command(out, in, "QUIT", "221");
    }
  }

  private static void command(OutputStream out, BufferedReader in, String line, String expected) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expect(in, expected);
  }

  private static void expect(BufferedReader in, String code) throws IOException {
    String reply = in.readLine();
    if (reply == null) {
      throw new IOException("the relay closed the connection while " + code + " was expected");
    }
    if (!reply.startsWith(code)) {
      throw new RelayRefused("the relay answered \"" + reply + "\" where " + code + " was expected");
    }
  }

  /** The relay answered, but not with what was needed: trying again would not help. */
  public static final class RelayRefused extends IOException {
    private static final long serialVersionUID = 1L;

    RelayRefused(String message) {
      super(message);
    }
  }
}
