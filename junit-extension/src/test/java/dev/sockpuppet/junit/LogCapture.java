package dev.sockpuppet.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the java.util.logging records (where {@code System.Logger} goes by default) that
 * Sockpuppet's loggers write while open, with those loggers opened down to the finest level, so a
 * test sees debug records too.
 */
final class LogCapture extends Handler implements AutoCloseable {
  /**
   * The resource lock of tests that capture: a capture sets the level of the "dev.sockpuppet"
   * logger and restores it, which two captures at a time would undo for each other.
   */
  static final String LOGGING = "dev.sockpuppet.test.logging";

  private final List<LogRecord> records = new ArrayList<>();
  // A strong reference: java.util.logging forgets loggers nobody holds, and their levels with them.
  private final Logger sockpuppet = Logger.getLogger("dev.sockpuppet");
  private final Level previousLevel = sockpuppet.getLevel();

  private LogCapture() {
    setLevel(Level.ALL);
    sockpuppet.setLevel(Level.ALL);
    sockpuppet.addHandler(this);
  }

  static LogCapture start() {
    return new LogCapture();
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  synchronized List<LogRecord> all() {
    return List.copyOf(records);
  }

  /** Records whose message contains {@code text}. */
  List<LogRecord> mentioning(String text) {
    return all().stream().filter(r -> r.getMessage() != null && r.getMessage().contains(text)).toList();
  }

  /** Records above {@code level}. */
  List<LogRecord> above(Level level) {
    return all().stream().filter(r -> r.getLevel().intValue() > level.intValue()).toList();
  }

  /** Every record: level, logger, message, and the thrown exception with its causes. */
  String describe() {
    List<LogRecord> all = all();
    StringBuilder out = new StringBuilder(all.size() + " log record(s)");
    for (LogRecord r : all) {
      out.append("\n  ").append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage());
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        out.append("\n    ").append(t == r.getThrown() ? "thrown " : "caused by ").append(t);
      }
    }
    return out.toString();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    sockpuppet.removeHandler(this);
    sockpuppet.setLevel(previousLevel);
  }
}
