package dev.sockpuppet.internal.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The threads of fakes: named after the fake and their job, daemons, small stacks; and, for
 * connections, virtual threads where the JVM has them.
 *
 * <p><b>Virtual threads.</b> On Java 21 and later, a connection whose playing runs only the
 * library's code (record only, the built-in responders, scripts) gets a virtual thread: a few
 * hundred bytes of heap while it waits, instead of a platform thread's stack and kernel task, so a
 * fake can hold ten thousand connections cheaply. The choice is made at run time from {@link
 * Runtime#version()}, so the same jar runs on Java 17 with platform threads. Connections that run
 * the user's code (handlers, reply functions) keep a platform thread: a virtual thread is not
 * preempted, so user code that spins would hold one of the JVM's few carrier threads and starve
 * every other fake's connections. Channels of another provider than the JDK's (junixsocket's) keep
 * one too: their blocking calls are native and would hold a carrier while they wait. The system
 * property {@value #MODE_PROPERTY}{@code =platform} turns virtual threads off.
 *
 * <p><b>Which threads are alive.</b> {@link Thread#getAllStackTraces()} never lists virtual
 * threads, so every thread started here is also kept in a registry until its body ends: {@link
 * #live()} is what tests (and a user chasing a leak) look at.
 */
public final class Threads {
  /** The system property that chooses connection threads: {@code auto} (the default) or {@code platform}. */
  public static final String MODE_PROPERTY = "sockpuppet.connectionThreads";

  private static final long STACK_BYTES = 256 * 1024;
  /** What a thread name is better without. */
  private static final Pattern UNSAFE_IN_NAMES = Pattern.compile("[^A-Za-z0-9._-]");
  /** Threads started here whose body has not ended yet. */
  private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();
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
   * A started thread named {@code name} that plays a connection: a virtual thread if {@code
   * virtual} (see {@link #virtualConnections}), else a platform thread as {@link #start} makes.
   */
  public static Thread startConnection(String name, Runnable body, boolean virtual) {
    if (!virtual || UNSTARTED_VIRTUAL == null) {
      return start(name, body);
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
   * Whether a fake that is starting should play the connections that run no user code on virtual
   * threads: when the JVM has them (21+) and {@value #MODE_PROPERTY} does not say {@code platform}.
   * Asked once per fake start, so a bad value fails the start with a message that says so.
   *
   * @throws IllegalStateException if {@value #MODE_PROPERTY} has a value it does not know
   */
  public static boolean virtualConnections() {
    String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (mode) {
      case "auto":
      case "":
        return UNSTARTED_VIRTUAL != null;
      case "platform":
        return false;
      default:
        throw new IllegalStateException(
            "the system property " + MODE_PROPERTY + " is \"" + System.getProperty(MODE_PROPERTY)
                + "\"; it takes \"auto\" (virtual threads where the JVM has them, the default) or \"platform\"");
    }
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
