package dev.sockpuppet.internal.engine;

import java.util.regex.Pattern;

/** The threads of fakes: named after the fake and their job, daemons, small stacks. */
public final class Threads {
  private static final long STACK_BYTES = 256 * 1024;
  /** What a thread name is better without. */
  private static final Pattern UNSAFE_IN_NAMES = Pattern.compile("[^A-Za-z0-9._-]");

  private Threads() {}

  /** A started thread named {@code name} that runs {@code body}. */
  public static Thread start(String name, Runnable body) {
    Thread thread = new Thread(null, body, name, STACK_BYTES);
    // A thread stuck in user code must never keep the JVM (and the build) alive.
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** {@code sockpuppet-<name>}, with the name cut to what a thread list shows well. */
  public static String prefix(String fakeName) {
    String safe = UNSAFE_IN_NAMES.matcher(fakeName).replaceAll("_");
    return "sockpuppet-" + (safe.length() > 40 ? safe.substring(0, 40) : safe);
  }
}
