package dev.sockpuppet.testcontainers.internal;

/**
 * The output of the containers a fake was handed to, attached to a test failure as a suppressed
 * exception so that every runner and IDE shows it. It carries no stack trace: the message is the
 * evidence.
 */
public final class ContainerLogs extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ContainerLogs(String fakeName, String logs) {
    super("output of the containers given fake '" + fakeName + "':\n" + logs, null, false, false);
  }
}
