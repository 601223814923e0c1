package dev.sockpuppet.junit;

import dev.sockpuppet.behaviour.Script;

/**
 * Makes the {@link Script} an annotation names: {@code @WithTcpServer(script = Login.class)}. The
 * extension creates the class through its constructor without parameters (which may be private)
 * once per fake.
 *
 * <pre>{@code
 * @WithUnixSocketServer(script = Greeting.class)
 * class ClientTest {
 *   static final class Greeting implements ScriptProvider {
 *     public Script script() {
 *       return Script.create().sendLine("HELLO").expectLine("HELLO back").expectEof();
 *     }
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ScriptProvider {
  /** The script to play. */
  Script script();
}
