package dev.sockpuppet.behaviour;

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
 * <p>Each connection runs the handler on a thread of its own, named after the fake and the
 * connection ({@code sockpuppet-<name>-conn-<index>}). Every read and write goes through the
 * {@link LiveConnection} and is recorded. Like a real server, the fake reads when the handler
 * reads; what the program sends meanwhile waits in the socket. When {@code handle} returns, the
 * fake records what already arrived and closes the connection; to wait for the program to finish
 * first, call {@link LiveConnection#readToEnd()}.
 *
 * <p>Anything thrown here (an exception, an {@link AssertionError}, even an {@link Error}) resets
 * the connection and is rethrown to the test by the fake's {@code verify()} and {@code close()},
 * with the connection named. What the fake's stop causes (a read woken by the shutdown, an
 * interrupt) is not reported. A class with a no-argument constructor can be declared with the JUnit
 * extension too: {@code @WithTcpServer(handler = MyHandler.class)}.
 */
@FunctionalInterface
public interface Handler {
  void handle(LiveConnection connection) throws Exception;
}
