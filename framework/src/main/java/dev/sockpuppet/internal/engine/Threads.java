package dev.sockpuppet.internal.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The threads of fakes: named after the fake and their job, daemons, small stacks; and, for
 * connections, virtual threads where the JVM has them and they pay.
 *
 * <p><b>Virtual threads.</b> On Java 21 and later, a connection whose playing runs only the
 * library's code (record only, the built-in responders, scripts) may get a virtual thread: a few
 * hundred bytes of heap while it waits, instead of a platform thread's stack and kernel task, so a
 * fake can hold ten thousand connections cheaply. The choice is made at run time from {@link
 * Runtime#version()}, so the same jar runs on Java 17 with platform threads only.
 *
 * <p>By default ({@link ConnectionThreads#AUTO}) the first {@value #PLATFORM_CONNECTIONS}
 * connection threads open at once in the JVM are platform threads and only those beyond are
 * virtual: a virtual thread's blocking read waits through the JDK's poller, one more thread
 * hand-off per wake-up, which made a scripted 100-byte round trip 1.3–2.4 µs slower here (Unix 4.7
 * → 7.1 µs on Java 25). A test with a few connections keeps the fastest path, and one that holds
 * thousands stops paying a platform thread for each. The system property {@value #MODE_PROPERTY}
 * says otherwise: {@code platform} (never virtual) or {@code virtual} (always, where allowed).
 *
 * <p>Connections that run the user's code (handlers, reply functions) always get a platform
 * thread: a virtual thread is not preempted, so user code that spins would hold one of the JVM's
 * few carrier threads and starve every other fake's connections. Channels of another provider than
 * the JDK's (junixsocket's) get one too: their blocking calls are native and would hold a carrier
 * while they wait.
 *
 * <p><b>Which threads are alive.</b> {@link Thread#getAllStackTraces()} never lists virtual
 * threads, so every thread started here is also kept in a registry until its body ends: {@link
 * #live()} is what tests (and a user chasing a leak) look at.
 */
public final class Threads {
  /** The system property that chooses connection threads: {@code auto} (the default), {@code platform} or {@code virtual}. */
  public static final String MODE_PROPERTY = "sockpuppet.connectionThreads";
  /** In {@link ConnectionThreads#AUTO}, how many connection threads of the JVM are platform threads before any is virtual. */
  public static final int PLATFORM_CONNECTIONS = 256;

  /** How a fake's connections that run only the library's code get their threads. */
  public enum ConnectionThreads {
    /** Platform threads for the first {@value Threads#PLATFORM_CONNECTIONS} open at once in the JVM, virtual beyond. */
    AUTO,
    /** Platform threads only, as on Java 17. */
    PLATFORM,
    /** Virtual threads where the JVM has them (21+). */
    VIRTUAL
  }

  private static final long STACK_BYTES = 256 * 1024;
  /** What a thread name is better without. */
  private static final Pattern UNSAFE_IN_NAMES = Pattern.compile("[^A-Za-z0-9._-]");
  /** Threads started here whose body has not ended yet. */
  private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();
  /** Connection threads that are platform threads and have not ended. */
  private static final AtomicInteger PLATFORM_CONNECTIONS_LIVE = new AtomicInteger();
  /** {@code Thread.ofVirtual().unstarted(Runnable)} on Java 21+, else null. */
  private static final MethodHandle UNSTARTED_VIRTUAL = unstartedVirtual();
  /** {@code Thread.isVirtual()} on Java 21+, else null. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private Threads() {}

  /** A started platform thread named {@code name} that runs {@code body}. */
  public static Thread start(String name, Runnable body) {
    Thread thread = new Thread(null, tracked(body), name, STACK_BYTES);
    // A thread stuck in user code must never keep the JVM (and the build) alive.
    thread.setDaemon(true);
    return started(thread);
  }

  /**
   * A started thread named {@code name} that plays a connection, virtual or platform as {@code
   * threads} says (pass {@link ConnectionThreads#PLATFORM} for connections that run user code).
   */
  public static Thread startConnection(String name, Runnable body, ConnectionThreads threads) {
    boolean virtual =
        UNSTARTED_VIRTUAL != null
            && switch (threads) {
              case PLATFORM -> false;
              case VIRTUAL -> true;
              case AUTO -> PLATFORM_CONNECTIONS_LIVE.get() >= PLATFORM_CONNECTIONS;
            };
    if (!virtual) {
      PLATFORM_CONNECTIONS_LIVE.incrementAndGet();
      try {
        return start(name, counted(body));
      } catch (RuntimeException | Error e) {
        PLATFORM_CONNECTIONS_LIVE.decrementAndGet();
        throw e;
      }
    }
    Thread thread;
    try {
      thread = (Thread) UNSTARTED_VIRTUAL.invokeExact(tracked(body));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("could not make a virtual thread", e);
    }
    thread.setName(name); // virtual threads are always daemons
    return started(thread);
  }

  /**
   * How a fake that is starting chooses threads for its connections that run only the library's
   * code, from {@value #MODE_PROPERTY}. Asked once per fake start, so a bad value fails the start
   * with a message that says so.
   *
   * @throws IllegalStateException if {@value #MODE_PROPERTY} has a value it does not know
   */
  public static ConnectionThreads connectionThreads() {
    String value = System.getProperty(MODE_PROPERTY, "");
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto":
      case "":
        return ConnectionThreads.AUTO;
      case "platform":
        return ConnectionThreads.PLATFORM;
      case "virtual":
        return ConnectionThreads.VIRTUAL;
      default:
        throw new IllegalStateException(
            "the system property " + MODE_PROPERTY + " is \"" + value + "\"; it takes \"auto\" (the default:"
                + " platform threads for the first " + PLATFORM_CONNECTIONS + " connections open at once, virtual"
                + " beyond, on Java 21+), \"platform\" or \"virtual\"");
    }
  }

  /** Whether this JVM has virtual threads (Java 21+). */
  public static boolean jvmHasVirtualThreads() {
    return UNSTARTED_VIRTUAL != null;
  }

  /** Whether {@code thread} is a virtual thread (never on Java 17). */
  public static boolean isVirtual(Thread thread) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(thread);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The threads started here, platform and virtual, whose body has not ended: what a leak check
   * looks at, since {@link Thread#getAllStackTraces()} leaves virtual threads out.
   */
  public static List<Thread> live() {
    return List.copyOf(LIVE);
  }

  /** {@code sockpuppet-<name>}, with the name cut to what a thread list shows well. */
  public static String prefix(String fakeName) {
    String safe = UNSAFE_IN_NAMES.matcher(fakeName).replaceAll("_");
    return "sockpuppet-" + (safe.length() > 40 ? safe.substring(0, 40) : safe);
  }

  private static Runnable tracked(Runnable body) {
    return () -> {
      try {
        body.run();
      } finally {
        LIVE.remove(Thread.currentThread());
      }
    };
  }

  private static Runnable counted(Runnable body) {
    return () -> {
      try {
        body.run();
      } finally {
        PLATFORM_CONNECTIONS_LIVE.decrementAndGet();
      }
    };
  }

  private static Thread started(Thread thread) {
    // Registered before it runs, so its own removal can never come first.
    LIVE.add(thread);
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      LIVE.remove(thread);
      throw e;
    }
    return thread;
  }

  private static MethodHandle unstartedVirtual() {
    if (Runtime.version().feature() < 21) {
      return null; // none before 21, and on 19 and 20 only as a preview, which is left alone
    }
    try {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtualBuilder = Class.forName("java.lang.Thread$Builder$OfVirtual");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualBuilder));
      MethodHandle unstarted =
          lookup.findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class))
              .asType(MethodType.methodType(Thread.class, ofVirtualBuilder, Runnable.class));
      // (Runnable) -> Thread.ofVirtual().unstarted(runnable): a fresh builder per thread, since a
      // builder is not meant to be shared between threads.
      return MethodHandles.foldArguments(unstarted, ofVirtual);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Java " + Runtime.version() + " lacks Thread.ofVirtual()", e);
    }
  }

  private static MethodHandle isVirtualHandle() {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    try {
      return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Java " + Runtime.version() + " lacks Thread.isVirtual()", e);
    }
  }
}
