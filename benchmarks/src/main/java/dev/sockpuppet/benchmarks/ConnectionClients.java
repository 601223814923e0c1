package dev.sockpuppet.benchmarks;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@link ConnectionsBenchmark}, run as a separate process so that 10,000
 * client sockets do not share the benchmark JVM's file-descriptor limit with 10,000 server sockets.
 *
 * <p>Protocol on stdin/stdout: prints {@code READY}; on {@code GO} opens N connections, sends one
 * byte on each, reads the echo of each, and prints {@code ANSWERED n}; on {@code QUIT} (or end of
 * stdin) closes everything and exits. A watchdog ends the process after {@value #WATCHDOG_SECONDS}
 * seconds whatever happens, so a stuck server cannot leave it behind.
 *
 * <p>Usage: {@code ConnectionClients tcp PORT COUNT} or {@code ConnectionClients unix PATH COUNT}.
 */
public final class ConnectionClients {
  static final long WATCHDOG_SECONDS = 120;

  private ConnectionClients() {}

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(WATCHDOG_SECONDS));
        System.err.println("ConnectionClients: watchdog expired after " + WATCHDOG_SECONDS + " s");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        // Normal exit.
      }
    }, "clients-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    SocketAddress address = args[0].equals("tcp")
        ? new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]))
        : UnixDomainSocketAddress.of(args[1]);
    int count = Integer.parseInt(args[2]);
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    System.out.println("READY");
    System.out.flush();
    if (!"GO".equals(commands.readLine())) {
      return;
    }
    List<SocketChannel> channels = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        channels.add(Transport.connect(address));
      }
      ByteBuffer one = ByteBuffer.allocateDirect(1);
      for (SocketChannel channel : channels) {
        one.clear();
        one.put((byte) '!').flip();
        channel.write(one);
      }
      int answered = 0;
      for (SocketChannel channel : channels) {
        one.clear();
        if (channel.read(one) < 0) {
          throw new EOFException("connection " + answered + " closed before its echo");
        }
        answered++;
      }
      System.out.println("ANSWERED " + answered);
      System.out.flush();
      // Hold every connection open until the benchmark has measured the server.
      commands.readLine();
    } finally {
      for (SocketChannel channel : channels) {
        try {
          channel.close();
        } catch (IOException e) {
          // Closing is best effort; the process exits next anyway.
        }
      }
    }
  }
}
