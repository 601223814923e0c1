package dev.sockpuppet.testcontainers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.sockpuppet.FakeServer;
import dev.sockpuppet.datagram.DatagramServer;
import dev.sockpuppet.datagram.UdpServer;
import dev.sockpuppet.datagram.UnixDatagramServer;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import dev.sockpuppet.syslog.SyslogServer;
import dev.sockpuppet.syslog.SyslogTransport;
import dev.sockpuppet.testcontainers.internal.ContainerOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.lifecycle.Startable;

/**
 * A Sockpuppet fake handed to one or more Testcontainers containers: a Unix-socket fake appears at
 * a path inside them, a TCP or UDP fake is reachable from them at {@link #host()} and {@link
 * #port()}.
 *
 * <pre>{@code
 * UnixSocketServer daemon = UnixSocketServer.create().withResponder(Responder.reply("pong\n"));
 * ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");
 * try (GenericContainer<?> app = fake.in(new GenericContainer<>(image).withCommand("my-app"))) {
 *   app.start();   // starts the fake first, then the container with the socket at /run/app.sock
 *   daemon.awaitReceivedLine("ping");
 * } finally {
 *   fake.stop();
 * }
 * }</pre>
 *
 * <p><b>Unix sockets</b> ({@link UnixSocketServer}, {@link UnixDatagramServer}, a {@link
 * SyslogServer} on {@code UNIX_DATAGRAM} or {@code UNIX_STREAM}): the fake's socket file is
 * bind-mounted at the container path given to {@link #at(String)}, the way {@code
 * /var/run/docker.sock} is usually handed to a container. The mount is made when the container is
 * created, after the fake started, so it names the socket of the fake's current run whatever the
 * order in which the test set things up. The socket file is opened to every user then ({@code
 * rw-rw-rw-}), so a container that runs as a user other than the test's ({@code --user
 * 1000:1000}) can connect or send; its directory on the host stays private, since the container
 * reaches the socket through the mount, not through the directory. A socket in Linux's abstract
 * namespace cannot be mounted and is refused.
 *
 * <p><b>TCP and UDP</b> ({@link TcpServer}, {@link UdpServer}, a {@link SyslogServer} on {@code
 * TCP} or {@code UDP}): the container joins the host's network ({@code withNetworkMode("host")},
 * Linux only), so the fake stays bound to loopback, as a test fake should, and the program in the
 * container reaches it at {@link #host()} ({@code 127.0.0.1}) and {@link #port()}. Testcontainers'
 * own host-port exposure ({@code host.testcontainers.internal}) needs a helper container from a
 * registry and is not used.
 *
 * <p><b>Lifecycle</b>: {@link #in(GenericContainer)} makes the container {@linkplain
 * GenericContainer#dependsOn(Startable...) depend on} this object, so starting the container starts
 * the fake first (a running fake is left running). Stopping the fake, however it happens (its own
 * {@code stop()} or {@code close()}, {@link #stop()}, Sockpuppet's JUnit extension in whichever
 * order JUnit runs the after-callbacks), first stops every container given to {@link
 * #in(GenericContainer)} that still runs: the fake outlives the containers that use it. As a
 * Testcontainers {@code @Container} field it is started and stopped by Testcontainers' JUnit
 * extension; a fake also managed by Sockpuppet's extension ({@code @ManagedFake}) is adopted there
 * if already running.
 *
 * <p><b>Evidence</b>: the output of every container given to {@link #in(GenericContainer)} is kept
 * ({@link #containerLogs()}), also after the container is removed; {@link ContainerLogsOnFailure}
 * adds it to a failed test.
 *
 * <p>Thread-safe. What the program in the container must be given: {@link #containerPath()} for a
 * Unix socket, {@link #host()} and {@link #port()} (or {@link #hostAndPort()}) for TCP and UDP;
 * {@link #withAddressInEnv(String)} also puts it into the container's environment.
 */
public final class ContainerFake implements Startable {
  private final FakeServer fake;
  private final boolean unix;
  private volatile String containerPath;
  private volatile String environmentVariable;
  private final List<ContainerOutput> outputs = new CopyOnWriteArrayList<>();

  private ContainerFake(FakeServer fake, boolean unix) {
    this.fake = fake;
    this.unix = unix;
    if (fake instanceof StreamServer || fake instanceof DatagramServer || fake instanceof SyslogServer) {
      // Whoever stops the fake (its own stop(), Sockpuppet's JUnit extension in whatever order JUnit
      // runs the after-callbacks), the containers using it stop first, while it still serves.
      Access.core(fake).beforeStop(this::stopContainers);
    }
  }

  /**
   * Wraps {@code fake}, started or not, for handing to containers.
   *
   * @throws IllegalArgumentException for a fake that is neither a Unix-socket nor a TCP or UDP fake
   */
  public static ContainerFake of(FakeServer fake) {
    Objects.requireNonNull(fake, "fake");
    return new ContainerFake(fake, isUnix(fake));
  }

  private static boolean isUnix(FakeServer fake) {
    if (fake instanceof UnixSocketServer || fake instanceof UnixDatagramServer) {
      return true;
    }
    if (fake instanceof TcpServer || fake instanceof UdpServer) {
      return false;
    }
    if (fake instanceof SyslogServer syslog) {
      SyslogTransport transport = syslog.transport();
      return transport == SyslogTransport.UNIX_DATAGRAM || transport == SyslogTransport.UNIX_STREAM;
    }
    if (fake.isRunning()) {
      SocketAddress address = fake.address();
      if (address instanceof InetSocketAddress) {
        return false;
      }
      if (address instanceof UnixDomainSocketAddress) {
        return true;
      }
    }
    throw new IllegalArgumentException(
        "cannot tell how to hand " + fake.name() + " (" + fake.getClass().getSimpleName()
            + ") to a container: use a UnixSocketServer, UnixDatagramServer, SyslogServer, TcpServer or UdpServer");
  }

  /**
   * Where the fake's Unix socket appears inside the container, an absolute path such as {@code
   * /dev/log}, {@code /var/run/docker.sock} or {@code /run/app.sock}. Required for a Unix-socket
   * fake; a missing parent directory is made by Docker.
   *
   * @throws IllegalArgumentException if the path is not absolute
   * @throws IllegalStateException for a TCP or UDP fake, which has no path
   */
  public ContainerFake at(String containerPath) {
    Objects.requireNonNull(containerPath, "containerPath");
    if (!unix) {
      throw new IllegalStateException(
          fake.name() + " is a TCP or UDP fake: it has no path; the container reaches it at host() and port()");
    }
    if (!containerPath.startsWith("/")) {
      throw new IllegalArgumentException(
          "the container path must be absolute, like /dev/log or /run/app.sock; got \"" + containerPath + "\"");
    }
    this.containerPath = containerPath;
    return this;
  }

  /**
   * Also sets the environment variable {@code name} of every container given to {@link
   * #in(GenericContainer)}: the container path for a Unix socket, {@code host:port} for TCP or UDP.
   * Set when the container is created, so the port of a fake that starts with the container is
   * known.
   */
  public ContainerFake withAddressInEnv(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("=")) {
      throw new IllegalArgumentException("not an environment variable name: \"" + name + "\"");
    }
    this.environmentVariable = name;
    return this;
  }

  /**
   * Hands the fake to {@code container}, which is returned: it will depend on this object (the fake
   * starts first), get the socket mounted or join the host's network, and have its output kept.
   * Call before the container starts.
   *
   * @throws IllegalStateException for a Unix-socket fake without {@link #at(String)}, or when the
   *     container already runs
   */
  public <C extends GenericContainer<?>> C in(C container) {
    Objects.requireNonNull(container, "container");
    if (unix && containerPath == null) {
      throw new IllegalStateException(
          "say where " + fake.name() + "'s socket appears in the container first: ContainerFake.of(fake).at(\"/run/app.sock\")");
    }
    if (container.isRunning()) {
      throw new IllegalStateException("hand " + fake.name() + " to the container before it starts; a container that"
          + " runs for the whole test class (a static @Container field) needs a fake that does too (a static field)");
    }
    container.dependsOn(this);
    if (!unix) {
      container.withNetworkMode("host");
    }
    container.withCreateContainerCmdModifier(this::configure);
    outputs.add(ContainerOutput.attach(container));
    return container;
  }

  /** Runs when a container is created: the fake runs by then (it is a dependency). */
  private void configure(CreateContainerCmd command) {
    if (!fake.isRunning()) {
      throw new IllegalStateException(
          fake.name() + " is not running as its container is created; was it stopped while the container started?");
    }
    List<String> env = new ArrayList<>();
    if (command.getEnv() != null) {
      env.addAll(Arrays.asList(command.getEnv()));
    }
    if (unix) {
      HostConfig host = command.getHostConfig();
      List<Bind> binds = new ArrayList<>();
      if (host.getBinds() != null) {
        binds.addAll(Arrays.asList(host.getBinds()));
      }
      binds.add(new Bind(socketFile().toString(), new Volume(containerPath)));
      host.withBinds(binds);
    }
    if (environmentVariable != null) {
      env.add(environmentVariable + "=" + (unix ? containerPath : hostAndPort()));
      command.withEnv(env);
    }
  }

  /** The running fake's socket file, opened to every user (the container's may be another). */
  private Path socketFile() {
    SocketAddress address = fake.address();
    if (!(address instanceof UnixDomainSocketAddress unixAddress)) {
      throw new IllegalStateException(
          fake.name() + " listens at " + address + ", which has no file to mount (an abstract name?); give it a path");
    }
    Path path = unixAddress.getPath();
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + " to the container's user: " + e.getMessage(), e);
    }
    return path;
  }

  /** The fake this hands to containers. */
  public FakeServer fake() {
    return fake;
  }

  /**
   * The path of the fake's socket inside the container.
   *
   * @throws IllegalStateException for a TCP or UDP fake, or before {@link #at(String)}
   */
  public String containerPath() {
    if (containerPath == null) {
      throw new IllegalStateException(
          unix ? "no container path yet: call at(\"/run/app.sock\") first" : fake.name() + " is a TCP or UDP fake; use host() and port()");
    }
    return containerPath;
  }

  /**
   * The host a program in the container connects or sends to: the fake's loopback address, which
   * the container shares (host networking).
   *
   * @throws IllegalStateException for a Unix-socket fake, or before the fake started
   */
  public String host() {
    InetSocketAddress address = inetAddress("host");
    return address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
  }

  /**
   * The fake's port, the same inside the container (host networking).
   *
   * @throws IllegalStateException for a Unix-socket fake, or before the fake started
   */
  public int port() {
    return inetAddress("port").getPort();
  }

  /** {@code host:port}, e.g. {@code 127.0.0.1:41234} ({@code [::1]:41234} for IPv6). */
  public String hostAndPort() {
    String host = host();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  private InetSocketAddress inetAddress(String what) {
    if (unix) {
      throw new IllegalStateException(fake.name() + " is a Unix-socket fake; the container finds it at containerPath()");
    }
    if (!fake.isRunning()) {
      throw new IllegalStateException(fake.name() + " has no " + what + " yet: call start() (or start the container) first");
    }
    return (InetSocketAddress) fake.address();
  }

  /**
   * What every container given to {@link #in(GenericContainer)} wrote to stdout and stderr so far,
   * each under a header naming its image and id; kept after the containers are removed. Per
   * container, the first 64 Ki and the last 1 Mi characters are kept, with a line in between saying
   * how much was left out.
   */
  public String containerLogs() {
    StringBuilder out = new StringBuilder();
    for (ContainerOutput output : outputs) {
      out.append("--- container ").append(output.label()).append(", given ").append(fake.name()).append(" ---\n");
      out.append(output.text());
    }
    return out.toString();
  }

  /** Starts the fake; idempotent, and a fake that already runs is left as it is. */
  @Override
  public void start() {
    fake.start();
  }

  /**
   * Stops every container given to {@link #in(GenericContainer)} that still runs, then the fake
   * (which verifies it: a problem on the fake's side fails here).
   */
  @Override
  public void stop() {
    RuntimeException failure = null;
    try {
      stopContainers();
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      fake.stop();
    } catch (RuntimeException | Error e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops every container given to {@link #in(GenericContainer)} that still runs; idempotent. */
  private void stopContainers() {
    RuntimeException failure = null;
    for (ContainerOutput output : outputs) {
      try {
        if (output.container().isRunning()) {
          output.container().stop();
        }
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** {@link #stop()}, then the fake's {@code close()}, which deletes a spilled recording. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      fake.close();
    }
  }

  @Override
  public String toString() {
    return "ContainerFake[" + fake.name() + (unix ? " at " + containerPath : " on the host's network") + "]";
  }
}
