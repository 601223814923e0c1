package dev.sockpuppet.samples.control;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.behaviour.Script;
import dev.sockpuppet.fifo.FifoPair;
import dev.sockpuppet.junit.WithFifoPair;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The player daemon driven through its control pipe, as a user of Sockpuppet would test it. */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "named pipes")
class PlayerDaemonTest {
  // README: fifo-example
  @Test
  @WithFifoPair(name = "control")
  void answersEveryCommandOnItsReplyPipe(FifoPair control) throws Exception {
    PlayerDaemon daemon = PlayerDaemon.start(control.toProgram(), control.fromProgram());

    control.sendLine("PLAY intro.ogg").awaitReceivedLine("OK playing intro.ogg");
    control.sendLine("PAUSE").sendLine("STATUS").sendLine("QUIT");

    assertTrue(daemon.awaitExit(Duration.ofSeconds(10)));
    assertThat(control).eventually().receivedLines("OK playing intro.ogg", "OK paused intro.ogg", "OK paused intro.ogg", "OK bye");
  }
  // README: end

  @Test
  void aScriptPlaysTheWholeConversation() throws Exception {
    Script conversation = Script.create()
        .sendLine("STATUS").expectLine("OK stopped")
        .sendLine("PAUSE").expectLine("ERR nothing is playing")
        .sendLine("FORWARD").expectLine("ERR unknown command FORWARD")
        .sendLine("QUIT").expectLine("OK bye");
    try (FifoPair control = FifoPair.create().withScript(conversation).start()) {
      PlayerDaemon daemon = PlayerDaemon.start(control.toProgram(), control.fromProgram());
      control.awaitFinished();
      assertTrue(daemon.awaitExit(Duration.ofSeconds(10)));
    }
  }

  @Test
  @WithFifoPair(name = "control")
  void opensTheCommandPipeAgainAfterEndOfFile(FifoPair control) throws Exception {
    PlayerDaemon daemon = PlayerDaemon.start(control.toProgram(), control.fromProgram());
    control.sendLine("PLAY a.ogg").sendEof();
    control.awaitReceivedLine("OK playing a.ogg");
    // The fake's writer is gone; another one (a shell's `echo QUIT > pipe`) finds the daemon listening again.
    Files.writeString(control.toProgram(), "QUIT\n", StandardOpenOption.WRITE);
    control.awaitReceivedLine("OK bye");
    assertTrue(daemon.awaitExit(Duration.ofSeconds(10)));
    assertThat(control).sentExactly("PLAY a.ogg\n").receivedLines("OK playing a.ogg", "OK bye");
  }
}
