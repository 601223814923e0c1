package dev.sockpuppet.junit;

import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.junit.internal.SystemPropertyLocks;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Gives a test a started {@link dev.sockpuppet.fifo.FifoPair}: two named pipes in a private
 * directory, {@code to-program} (the program reads it) and {@code from-program} (the program
 * writes it).
 *
 * <pre>{@code
 * @WithFifoPair(name = "control")
 * class ControlPipeTest {
 *   @Test
 *   void answersStatus(FifoPair control) throws Exception {
 *     Process app = new ProcessBuilder("app", control.toProgram().toString(), control.fromProgram().toString()).start();
 *     control.sendLine("STATUS").awaitReceivedLine("OK");
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where, lifecycle, evidence:</b> as for {@link WithTcpServer}: on a test class, a test
 * method or an annotation of your own; repeatable with distinct {@link #name()}s; a fresh pair per
 * test unless {@code scope = Scope.PER_CLASS}; stopping verifies it (an unfinished script fails the
 * test unless {@link #unfinishedScriptsAllowed()}); on failure its transcript is kept. The pipes and
 * their directory are removed when the pair stops, also when the test failed; nothing waits for a
 * program that never opened its ends.
 *
 * <p><b>Skipped where FIFOs cannot be made:</b> a machine without {@code mkfifo(1)} (Windows) skips
 * the test, with the reason.
 *
 * <p><b>Injection:</b> a parameter of type {@code FifoPair}, {@code NamedPipeFake} or {@code
 * dev.sockpuppet.Fake} receives it; qualify it with {@link ManagedFake @ManagedFake("name")} when a
 * test has several.
 *
 * <p><b>Failure cases</b> ({@link org.junit.jupiter.api.extension.ExtensionConfigurationException}):
 * two behaviours (e.g. {@code responder = ECHO} and {@code lines}); malformed {@code permissions},
 * {@code timeout} or {@code lines}; a {@code handler} or {@code script} class that cannot be
 * created; a base directory that does not exist.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithFifoPair.List.class)
@ExtendWith(SockpuppetExtension.class)
@ResourceLock(providers = SystemPropertyLocks.class)
public @interface WithFifoPair {
  /** The pair's name in messages, transcripts and thread names. Default {@code "fifo"}. */
  String name() default "";

  /** A fresh pair per test (default) or one per class. */
  Scope scope() default Scope.PER_TEST;

  /**
   * A system property set to the pipes' directory while the pair lives (the pipes are {@code
   * to-program} and {@code from-program} in it), and restored afterwards. Default: none.
   */
  String systemProperty() default "";

  /** A canned behaviour: {@link ResponderType#ECHO} sends back what the program writes. Default: record only. */
  ResponderType responder() default ResponderType.SINK;

  /** Plain code for the conversation; the class needs a no-argument constructor. */
  Class<? extends Handler> handler() default Handler.class;

  /** The conversation as a {@link dev.sockpuppet.behaviour.Script}, from a class with a no-argument constructor. */
  Class<? extends ScriptProvider> script() default ScriptProvider.class;

  /** Lets the test pass although the script did not finish. */
  boolean unfinishedScriptsAllowed() default false;

  /** Text sent whenever the program writes something (UTF-8). Default: none. */
  String reply() default "";

  /** Line rules such as {@code "PING -> PONG"}: each line the program writes gets the matching reply. */
  String[] lines() default {};

  /** Permissions of both pipes such as {@code "rw-rw-rw-"}; default {@code "rw-------"}. */
  String permissions() default "";

  /** A directory to make the pipes' private directory in, instead of the default temporary one. */
  String baseDirectory() default "";

  /** How long a send and each expect wait, e.g. {@code "5s"}; default: {@code sockpuppet.timeout.default}, else 10 s. */
  String timeout() default "";

  /** Bytes of recording kept in memory before spilling to a file; negative means the default (64 MiB). */
  long memoryLimit() default -1;

  /**
   * Holds several {@link WithFifoPair} annotations; the compiler writes it for you when you repeat
   * the annotation.
   */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @ExtendWith(SockpuppetExtension.class)
  @ResourceLock(providers = SystemPropertyLocks.class)
  @interface List {
    /** The repeated annotations. */
    WithFifoPair[] value();
  }
}
