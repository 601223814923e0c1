package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Fake;
import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.datagram.DatagramServer;
import dev.sockpuppet.internal.engine.FakeCore;
import dev.sockpuppet.internal.engine.FaultSpec;
import dev.sockpuppet.internal.engine.Reaction;
import dev.sockpuppet.internal.recording.Segment;
import dev.sockpuppet.internal.script.Step;
import dev.sockpuppet.stream.StreamServer;
import dev.sockpuppet.syslog.SyslogServer;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How the engine reaches what public types keep to themselves. {@link Bytes}, {@link Responder}
 * and {@link Fault} are public values with nothing of their insides in their API, while the engine
 * that fills and plays them lives in other packages. Each such type hands this class an accessor when it loads
 * (the pattern of the JDK's own {@code SharedSecrets}), so no internal type appears in a public
 * signature and no package has to hold everything.
 *
 * <p>The accessors are set once, by class initialisation, and never change.
 */
public final class Access {
  /** What the engine needs of {@link Bytes}: values over recorded segments, without copying. */
  public interface BytesAccess {
    /** A value over {@code segments}, which nobody mutates; the array becomes the value's. */
    Bytes of(Segment[] segments);

    /** A value over the segments in {@code segments}; the list is copied. */
    Bytes of(List<Segment> segments);

    /** The segments of {@code bytes}; shared, so callers never modify the array. */
    Segment[] segments(Bytes bytes);
  }

  /** What the engine needs of {@link Responder}: the reaction for one connection. */
  public interface ResponderAccess {
    /** A fresh reaction for the connection at {@code index} (per-connection state is its own). */
    Reaction reaction(Responder responder, int index);

    /** Whether {@code responder} only records, so that no reaction needs to run at all. */
    boolean isSink(Responder responder);

    /** Whether {@code responder}'s reactions call a function of the user's. */
    boolean runsUserCode(Responder responder);

    /**
     * A responder made elsewhere in the library (the HTTP responder, say) from a fresh reaction per
     * connection index. Its reactions count as running user code (the HTTP responder's answers are).
     */
    Responder responder(String description, IntFunction<Reaction> reactions);
  }

  /** What the engine needs of {@link Script}: its steps. */
  @FunctionalInterface
  public interface ScriptAccess {
    List<Step> steps(Script script);
  }

  /** What the engine needs of {@link Fault}: what it does, where and how much. */
  @FunctionalInterface
  public interface FaultAccess {
    FaultSpec spec(Fault fault);
  }

  /**
   * The core of a fake, for a fake built on another one (a {@code SyslogServer} runs on a {@code
   * UnixDatagramServer} or a {@code TcpServer} and names itself in its messages), and for other
   * Sockpuppet modules that hook into a fake's lifecycle (the Testcontainers module stops the
   * containers given a fake before the fake stops).
   */
  @FunctionalInterface
  public interface CoreAccess {
    FakeCore core(Fake fake);
  }

  private static volatile CoreAccess streamCores;
  private static volatile CoreAccess datagramCores;
  private static volatile CoreAccess syslogCores;
  private static volatile BytesAccess bytes;
  private static volatile ScriptAccess scripts;
  private static volatile ResponderAccess responders;
  private static volatile FaultAccess faults;

  private Access() {}

  /** Called once, by {@code StreamServer}'s class initialisation. */
  public static void setStreamCores(CoreAccess access) {
    streamCores = access;
  }

  /** Called once, by {@code DatagramServer}'s class initialisation. */
  public static void setDatagramCores(CoreAccess access) {
    datagramCores = access;
  }

  /** Called once, by {@code SyslogServer}'s class initialisation. */
  public static void setSyslogCores(CoreAccess access) {
    syslogCores = access;
  }

  /**
   * The core of a stream or datagram server or a syslog daemon. An instance exists, so its class is
   * initialised and has set its accessor.
   *
   * @throws IllegalArgumentException for any other kind of fake
   */
  public static FakeCore core(Fake fake) {
    if (fake instanceof StreamServer) {
      return streamCores.core(fake);
    }
    if (fake instanceof DatagramServer) {
      return datagramCores.core(fake);
    }
    if (fake instanceof SyslogServer) {
      return syslogCores.core(fake);
    }
    throw new IllegalArgumentException("no core access for " + fake);
  }

  /** Called once, by {@link Bytes}' class initialisation. */
  public static void set(BytesAccess access) {
    bytes = access;
  }

  /** Called once, by {@link Responder}'s class initialisation. */
  public static void set(ResponderAccess access) {
    responders = access;
  }

  /** Called once, by {@link Script}'s class initialisation. */
  public static void setScripts(ScriptAccess access) {
    scripts = access;
  }

  public static ScriptAccess scripts() {
    ScriptAccess access = scripts;
    if (access == null) {
      Script.create(); // initialises Script, which sets the accessor
      access = scripts;
    }
    return access;
  }

  /** Called once, by {@link Fault}'s class initialisation. */
  public static void setFaults(FaultAccess access) {
    faults = access;
  }

  public static BytesAccess bytes() {
    BytesAccess access = bytes;
    if (access == null) {
      Bytes.empty(); // initialises Bytes, which sets the accessor
      access = bytes;
    }
    return access;
  }

  public static ResponderAccess responders() {
    ResponderAccess access = responders;
    if (access == null) {
      Responder.sink(); // initialises Responder, which sets the accessor
      access = responders;
    }
    return access;
  }

  public static FaultAccess faults() {
    FaultAccess access = faults;
    if (access == null) {
      Fault.stall(); // initialises Fault, which sets the accessor
      access = faults;
    }
    return access;
  }
}
