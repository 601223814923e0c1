package dev.sockpuppet.samples.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * A small real program: a media player daemon that is controlled through a named pipe, the way
 * mpv, mplayer and many daemons are. It reads one command per line from its command pipe and
 * answers each on its reply pipe:
 *
 * <pre>
 * STATUS        → OK stopped | OK playing &lt;track&gt; | OK paused &lt;track&gt;
 * PLAY &lt;track&gt;  → OK playing &lt;track&gt;
 * PAUSE         → OK paused &lt;track&gt;   (ERR nothing is playing)
 * QUIT          → OK bye, and the daemon ends
 * anything else → ERR unknown command &lt;it&gt;
 * </pre>
 *
 * <p>Like a real daemon it opens the command pipe again when a writer goes away (end-of-file), so
 * one {@code echo PLAY x > pipe} after another works.
 */
public final class PlayerDaemon {
  private final Path commands;
  private final Path replies;
  private final Thread thread;
  private volatile Throwable failure;
  private String track;
  private boolean paused;

  private PlayerDaemon(Path commands, Path replies) {
    this.commands = commands;
    this.replies = replies;
    this.thread = new Thread(this::run, "player-daemon");
    this.thread.setDaemon(true);
  }

  /** Starts the daemon on its two pipes, on a thread of its own. */
  public static PlayerDaemon start(Path commands, Path replies) {
    PlayerDaemon daemon = new PlayerDaemon(commands, replies);
    daemon.thread.start();
    return daemon;
  }

  /**
   * Waits for the daemon to end after {@code QUIT}.
   *
   * @return whether it ended within {@code timeout}
   * @throws IOException if it ended because a pipe failed
   */
  public boolean awaitExit(Duration timeout) throws IOException, InterruptedException {
    thread.join(timeout.toMillis());
    if (failure != null) {
      throw new IOException("the player daemon failed", failure);
    }
    return !thread.isAlive();
  }

  private void run() {
    try (Writer out = Files.newBufferedWriter(replies, StandardCharsets.UTF_8, StandardOpenOption.WRITE)) {
      while (true) {
        try (BufferedReader in = Files.newBufferedReader(commands, StandardCharsets.UTF_8)) {
          String line;
          while ((line = in.readLine()) != null) {
            String answer = answer(line.strip());
            out.write(answer + "\n");
            out.flush();
            if (answer.equals("OK bye")) {
              return;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
  }

  private String answer(String command) {
    String[] words = command.split(" ", 2);
    switch (words[0].toUpperCase(Locale.ROOT)) {
      case "STATUS":
        return track == null ? "OK stopped" : "OK " + (paused ? "paused " : "playing ") + track;
      case "PLAY":
        if (words.length < 2 || words[1].isBlank()) {
          return "ERR PLAY needs a track";
        }
        track = words[1].strip();
        paused = false;
        return "OK playing " + track;
      case "PAUSE":
        if (track == null) {
          return "ERR nothing is playing";
        }
        paused = true;
        return "OK paused " + track;
      case "QUIT":
        return "OK bye";
      default:
        return "ERR unknown command " + command;
    }
  }
}
