package dev.sockpuppet.datagram;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.FakeServer;
import dev.sockpuppet.RecordingUsage;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.Awaits;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.engine.DatagramEngine;
import dev.sockpuppet.internal.engine.DatagramScriptPlayer;
import dev.sockpuppet.internal.engine.DatagramFaultSpec;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What the datagram fakes, {@link UdpServer} and {@link UnixDatagramServer}, share: every datagram
 * recorded whole with its sender and time, a {@link DatagramResponder} that answers the sender or a
 * {@link Script} played over the datagrams (each expect takes one whole datagram, each send
 * replies to its sender), {@link DatagramFault faults}, and the waits.
 *
 * <p>Datagrams are recorded in the order they crossed, received and sent together ({@link
 * #datagrams()}); {@link #receivedDatagrams()} holds the program's alone. A datagram is recorded
 * whole up to the largest the transport carries (64 KiB for UDP, 256 KiB for Unix datagram
 * sockets); a larger one, which the operating system cuts, is recorded as far as it came and
 * reported by {@code verify()}.
 *
 * <p>Defaults: timeout 10 s (waits, and a reply the program does not take); in-memory recording
 * limit 64 MiB per run. See {@link dev.sockpuppet.Fake} for the lifecycle. Thread-safe.
 */
public abstract sealed class DatagramServer implements FakeServer permits UdpServer, UnixDatagramServer {
  static {
    Access.setDatagramCores(fake -> ((DatagramServer) fake).core);
  }

  final FakeCore core;
  private volatile DatagramResponder responder = DatagramResponder.sink();
  /** A script to play instead of the responder, or null; the last of the two configured wins. */
  private volatile Script script;
  private volatile boolean unfinishedScriptsAllowed;
  /** Guarded by itself; configured before the first start, so it never changes while running. */
  private final List<DatagramFault> faults = new ArrayList<>();
  private volatile DatagramEngine engine;
  private final AtomicInteger taken = new AtomicInteger();

  DatagramServer(String kind, String defaultName) {
    this.core = new FakeCore(kind, defaultName);
  }

  /** Opens and binds the channel; runs inside start(). Must close what it opened on failure. */
  abstract DatagramChannel bind() throws IOException;

  /** Removes what bind() left behind, such as socket files; runs after the channel closed. */
  abstract void release() throws IOException;

  /** The largest datagram this transport records whole. */
  abstract int largestWhole();

  /** The address a recording shows for one the channel gave (e.g. the JDK's form of a path). */
  abstract SocketAddress asRecorded(SocketAddress channelAddress);

  /** The address the channel sends to for one the test gave. */
  abstract SocketAddress forChannel(SocketAddress address);

  /** What to tell a reader who waits in vain: which client cannot reach this kind of socket. */
  abstract String hintWhenNothingArrived();

  // ---- configuration ----

  final void configureResponder(DatagramResponder responder) {
    Objects.requireNonNull(responder, "responder");
    core.requireNew("withResponder");
    this.responder = responder;
    this.script = null;
  }

  final void configureScript(Script script) {
    Objects.requireNonNull(script, "script");
    core.requireNew("withScript");
    try {
      DatagramScriptPlayer.check(script);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(core.description() + ".withScript(…): " + e.getMessage(), e);
    }
    this.script = script;
    this.responder = DatagramResponder.sink();
  }

  final void allowUnfinishedScripts() {
    core.requireNew("withUnfinishedScriptsAllowed");
    this.unfinishedScriptsAllowed = true;
  }

  final void configureFaults(DatagramFault... faults) {
    Objects.requireNonNull(faults, "faults");
    for (DatagramFault fault : faults) {
      Objects.requireNonNull(fault, "a fault in withFaults(…) is null");
    }
    core.requireNew(faults.length == 1 ? "withFault" : "withFaults");
    synchronized (this.faults) {
      this.faults.addAll(List.of(faults));
    }
  }

  // ---- lifecycle ----

  @Override
  public String name() {
    return core.name();
  }

  @Override
  public Duration timeout() {
    return core.timeout();
  }

  @Override
  public DatagramServer start() {
    boolean started =
        core.start(this::bind, (channel, run) -> {
          List<DatagramFaultSpec> specs;
          synchronized (faults) {
            specs = faults.stream().map(DatagramFault::spec).toList();
          }
          DatagramResponder answering = responder;
          Script playing = script;
          DatagramEngine.Receiver receiver =
              playing != null
                  ? new DatagramScriptPlayer(core.description(), playing, timeout(), run.problems(), unfinishedScriptsAllowed)
                  : (datagram, replyTo, self) -> answer(answering, datagram, replyTo, self);
          DatagramEngine running =
              new DatagramEngine(
                  Threads.prefix(name()), channel, run, timeout(), receiver, specs, largestWhole(), this::asRecorded);
          running.start();
          engine = running;
          return running;
        }, this::release);
    if (started) {
      taken.set(0);
    }
    return this;
  }

  private void answer(DatagramResponder answering, Datagram datagram, SocketAddress replyTo, DatagramEngine running)
      throws IOException {
    if (answering.isSink()) {
      return;
    }
    Bytes reply = answering.replyTo(datagram);
    if (reply == null) {
      return;
    }
    if (replyTo == null) {
      // Not an I/O failure that a stop could cause, so it is reported even when the fake stops
      // right after the datagram arrived.
      throw new IllegalStateException(
          "cannot answer datagram #" + datagram.index() + ": its sender did not bind an address (an unnamed Unix"
              + " datagram socket), so there is nowhere to reply to");
    }
    running.send(replyTo, ByteBuffer.wrap(reply.toByteArray()));
  }

  @Override
  public boolean isRunning() {
    return core.isRunning();
  }

  @Override
  public final void stop() {
    core.stop();
  }

  @Override
  public final void close() {
    core.close();
  }

  @Override
  public final void verify() {
    core.verify();
  }

  // ---- sending ----

  /**
   * Sends a datagram from this fake's address to {@code to} (a program that itself listens on a
   * datagram socket), through the faults towards the program, and records it once it left.
   *
   * @throws IllegalStateException if the fake is not running
   * @throws UncheckedIOException if the operating system refused it, or the program's receive queue
   *     stayed full for the fake's timeout
   */
  public void sendTo(SocketAddress to, Bytes payload) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(payload, "payload");
    DatagramEngine running = engine;
    if (!isRunning() || running == null) {
      throw new IllegalStateException(description() + ".sendTo(…) needs a running fake; call start() first");
    }
    try {
      running.send(forChannel(to), ByteBuffer.wrap(payload.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(description() + " could not send a datagram to " + to + ": " + e.getMessage(), e);
    }
  }

  /** Sends the UTF-8 encoding of {@code text} to {@code to}; see {@link #sendTo(SocketAddress, Bytes)}. */
  public void sendTo(SocketAddress to, String text) {
    Objects.requireNonNull(text, "text");
    sendTo(to, Bytes.of(text));
  }

  // ---- recording ----

  @Override
  public Traffic traffic() {
    return core.traffic();
  }

  /** Every datagram so far, received and sent, in the order they crossed. */
  public List<Datagram> datagrams() {
    return traffic().datagrams();
  }

  /** The datagrams the program sent to this fake so far, in arrival order. */
  public List<Datagram> receivedDatagrams() {
    return traffic().datagrams().stream().filter(d -> d.direction() == Direction.RECEIVED).toList();
  }

  /** How much of the recording is held in memory and how much went to its spill file. */
  public RecordingUsage recordingUsage() {
    return core.traffic().usage();
  }

  // ---- waiting ----

  /** Waits for the first datagram from the program and returns it. */
  public Datagram awaitDatagram() {
    return awaitDatagrams(1).get(0);
  }

  /** Waits until the program sent at least {@code count} datagrams; returns the first {@code count}. */
  public List<Datagram> awaitDatagrams(int count) {
    return Awaits.atLeast(count, description() + " to receive " + (count == 1 ? "a datagram" : count + " datagrams"),
        timeout(), this::receivedDatagrams, this::describeReceived);
  }

  /**
   * Waits for the next received datagram that this method has not handed out yet and returns it,
   * like a queue. A restart begins again at the first datagram of the new run.
   */
  public Datagram takeDatagram() {
    return Awaits.next(taken, next -> description() + " to receive datagram #" + next
        + " (the next one takeDatagram() hands out)", timeout(), this::receivedDatagrams, this::describeReceived);
  }

  /** Waits for a received datagram whose payload is exactly {@code expected}; returns it. */
  public Datagram awaitReceived(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    Optional<Datagram> found =
        Awaits.until(
            description() + " to receive a datagram of exactly " + HexDump.quoted(expected),
            timeout(),
            () -> receivedDatagrams().stream().filter(d -> d.bytes().equals(expected)).findFirst(),
            Optional::isPresent,
            () -> describeReceived().stripTrailing() + nearest(expected));
    return found.orElseThrow();
  }

  /** Waits for a received datagram whose payload is exactly the UTF-8 encoding of {@code text}. */
  public Datagram awaitReceived(String text) {
    Objects.requireNonNull(text, "text");
    return awaitReceived(Bytes.of(text));
  }

  /**
   * Waits until some received datagram satisfies {@code condition}; returns the first that does.
   *
   * @param description the condition in words, for the failure message
   */
  public Datagram awaitDatagram(String description, Predicate<Datagram> condition) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(condition, "condition");
    Optional<Datagram> found =
        Awaits.until(
            description() + " to receive " + description,
            timeout(),
            () -> receivedDatagrams().stream().filter(condition).findFirst(),
            Optional::isPresent,
            this::describeReceived);
    return found.orElseThrow();
  }

  /** E.g. {@code UdpServer 'dns'}. */
  final String description() {
    return core.description();
  }

  private String describeReceived() {
    List<Datagram> received = receivedDatagrams();
    if (received.isEmpty()) {
      return "it received no datagram" + (isRunning() ? "" : " and is not running (call start() first)")
          + "; " + hintWhenNothingArrived();
    }
    StringBuilder out = new StringBuilder("it received ").append(received.size())
        .append(received.size() == 1 ? " datagram:" : " datagrams:");
    int shown = Math.min(received.size(), 10);
    for (Datagram datagram : received.subList(received.size() - shown, received.size())) {
      out.append("\n  #").append(datagram.index()).append(" from ").append(datagram.sender()).append(": ")
          .append(HexDump.summary(datagram.bytes()));
    }
    if (shown < received.size()) {
      out.append("\n  (the last ").append(shown).append(" shown)");
    }
    return out.toString();
  }

  /**
   * The received datagram nearest to {@code expected} (the longest common start, the first of
   * equals) and where it differs, for a wait that found none.
   */
  private String nearest(Bytes expected) {
    Datagram best = null;
    long bestCommon = -1;
    for (Datagram datagram : receivedDatagrams()) {
      long common = datagram.bytes().mismatch(expected);
      if (common > bestCommon) {
        best = datagram;
        bestCommon = common;
      }
    }
    if (best == null) {
      return "";
    }
    return "\nnearest: datagram #" + best.index() + " from " + best.sender() + " differs at offset " + bestCommon
        + " (expected " + HexDump.count(expected.size()) + ", it has " + HexDump.count(best.size()) + ")\n"
        + HexDump.difference("expected", expected, "datagram #" + best.index(), best.bytes(), bestCommon);
  }

  @Override
  public String toString() {
    return description() + (isRunning() ? " at " + address() : "");
  }
}
