package dev.sockpuppet;

/**
 * Plain code that plays the fake's side of one connection.
 *
 * <pre>{@code
 * TcpServer server = TcpServer.create()
 *     .withHandler(connection -> {
 *       String command = connection.readLine();
 *       connection.writeLine(command.equals("PING") ? "PONG" : "ERR unknown command");
 *     })
 *     .start();
 * }</pre>
 *
 * <p>Each accepted connection runs the handler on a thread of its own, named after the server and
 * the connection ({@code sockpuppet-<name>-conn-<index>}). Every read and write goes through the
 * {@link LiveConnection} and is recorded. Like a real server, the fake reads when the handler
 * reads; what the peer sends meanwhile waits in the socket. When {@code handle} returns, the fake
 * records what already arrived and closes the connection; to wait for the peer to finish first,
 * call {@link LiveConnection#readToEnd()}.
 *
 * <p>An exception thrown here resets the connection and is rethrown to the test by the server's
 * {@code verify()} and {@code close()}, with the connection named. Exceptions caused by the server
 * stopping (a read woken by the shutdown, an interrupt) are not reported.
 */
@FunctionalInterface
public interface Handler {
  void handle(LiveConnection connection) throws Exception;
}
