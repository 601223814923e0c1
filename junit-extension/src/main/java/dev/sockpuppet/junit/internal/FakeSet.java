package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fakes that one extension context (a test class or a test) uses, and the system properties set
 * for them. Lives in that context's {@code ExtensionContext.Store}, so JUnit closes it when the
 * context ends even if no after-callback of ours ran; the extension normally finishes it earlier,
 * in {@code afterEach}/{@code afterAll}, to collect evidence while the test is still open.
 *
 * <p>Finishing has two steps, because a transcript needs the whole recording: {@link #stop()} stops
 * the fakes (which verifies them) but keeps their recordings readable, spilled bytes included; the
 * caller renders transcripts; {@link #closeFakes()} then closes them, which deletes spill files.
 *
 * <p>Most fakes belong to the set. The fake of a static {@code @ManagedFake} field is shared through
 * {@link SharedFakes}: the set holds a lease on it, and only the set that releases the last lease
 * stops and closes it.
 *
 * <p>Thread-safe: tests running in parallel read the fakes of their shared class context.
 */
final class FakeSet implements AutoCloseable {
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Deque<PropertyRestore> restores = new ArrayDeque<>();
  /** Guarded by this: fakes this set stopped and has yet to close, newest first. */
  private final List<Member> toClose = new ArrayList<>();
  private boolean declarationsStarted;
  private boolean stopped;

  /** True the first time only: the caller then starts the declared fakes. */
  synchronized boolean claimDeclarations() {
    if (declarationsStarted) {
      return false;
    }
    declarationsStarted = true;
    return true;
  }

  /** Takes ownership of a started fake: the set stops and closes it. */
  void add(TrackedFake fake) {
    members.add(new Member(fake, null));
  }

  /** Adds a shared fake this set holds a lease on: the set releases it, and closes it if last. */
  void addShared(TrackedFake fake, SharedFakes.Lease lease) {
    members.add(new Member(fake, lease));
  }

  List<TrackedFake> fakes() {
    return members.stream().map(Member::fake).toList();
  }

  boolean holds(Fake fake) {
    return members.stream().anyMatch(m -> m.fake().fake() == fake);
  }

  /** Sets a system property until {@link #stop()}, remembering its previous value. */
  synchronized void setProperty(String key, String value) {
    restores.push(new PropertyRestore(key, System.setProperty(key, value)));
  }

  /**
   * Stops every fake of the set and every shared fake whose last lease it holds (newest first),
   * which removes their files and verifies them, then restores the system properties. Recordings
   * stay readable until {@link #closeFakes()}. Idempotent: later calls do nothing and return
   * nothing.
   *
   * @return what went wrong, in order; empty if all is well
   */
  List<Throwable> stop() {
    List<Member> stopping;
    List<PropertyRestore> restoring;
    synchronized (this) {
      if (stopped) {
        return List.of();
      }
      stopped = true;
      stopping = new ArrayList<>(members);
      restoring = new ArrayList<>(restores);
      restores.clear();
    }
    List<Throwable> problems = new ArrayList<>();
    for (int i = stopping.size() - 1; i >= 0; i--) {
      Member member = stopping.get(i);
      if (member.lease() != null && !member.lease().release()) {
        continue; // another class still uses the shared fake
      }
      synchronized (this) {
        toClose.add(member);
      }
      try {
        member.fake().fake().stop();
      } catch (RuntimeException | Error e) {
        problems.add(e);
      }
    }
    // The deque holds the newest first, so the oldest value is restored last and wins.
    for (PropertyRestore restore : restoring) {
      restore.run();
    }
    return problems;
  }

  /**
   * Closes what {@link #stop()} stopped, which deletes spill files, and lets others start shared
   * fakes again. Idempotent.
   *
   * @return what went wrong; empty if all is well
   */
  List<Throwable> closeFakes() {
    List<Member> closing;
    synchronized (this) {
      closing = new ArrayList<>(toClose);
      toClose.clear();
    }
    List<Throwable> problems = new ArrayList<>();
    for (Member member : closing) {
      try {
        member.fake().fake().close();
      } catch (RuntimeException | Error e) {
        problems.add(e);
      } finally {
        if (member.lease() != null) {
          member.lease().finished();
        }
      }
    }
    return problems;
  }

  /** For the store: stops and closes what the extension did not yet, and reports problems to JUnit. */
  @Override
  public void close() {
    List<Throwable> problems = new ArrayList<>(stop());
    problems.addAll(closeFakes());
    if (!problems.isEmpty()) {
      Problems.rethrow(problems);
    }
  }

  /** A fake of the set, with the lease it holds if the fake is shared. */
  private record Member(TrackedFake fake, SharedFakes.Lease lease) {}

  private record PropertyRestore(String key, String previous) {
    void run() {
      if (previous == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, previous);
      }
    }
  }
}
