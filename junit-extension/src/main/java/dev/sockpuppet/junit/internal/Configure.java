package dev.sockpuppet.junit.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Applies annotation attributes to a fake, turning the framework's complaints into configuration errors. */
final class Configure {
  private Configure() {}

  /**
   * Runs one {@code with…} call; an {@link IllegalArgumentException} (the framework's "this value is
   * wrong" signal) becomes an {@link ExtensionConfigurationException} naming the attribute.
   */
  static void attribute(String origin, String attribute, Runnable with) {
    try {
      with.run();
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(origin + " has an invalid " + attribute + ": " + e.getMessage(), e);
    }
  }

  /** The annotation's timeout, else the configured default, else none (the framework default). */
  static Optional<Duration> timeout(String origin, String text, Settings settings) {
    if (text.isBlank()) {
      return settings.defaultTimeout();
    }
    try {
      return Optional.of(DurationText.parse(text, "the timeout of " + origin));
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(e.getMessage(), e);
    }
  }

  /**
   * The attributes every kind applies the same way: the declaration's name, {@code timeout} (else
   * the configured default) and {@code memoryLimit} (negative: the default).
   */
  static void basics(
      Declaration declaration,
      Settings settings,
      String timeout,
      long memoryLimit,
      Consumer<String> withName,
      Consumer<Duration> withTimeout,
      LongConsumer withMemoryLimit) {
    String origin = declaration.origin();
    attribute(origin, "name", () -> withName.accept(declaration.name()));
    timeout(origin, timeout, settings).ifPresent(withTimeout);
    if (memoryLimit >= 0) {
      withMemoryLimit.accept(memoryLimit);
    }
  }

  /**
   * Where a Unix socket goes: {@code path} or {@code abstractName} (at most one), and the file's
   * {@code permissions}; empty attributes keep the fake's defaults.
   *
   * @throws ExtensionConfigurationException if both places are set or a value is invalid
   */
  static void unixPlace(
      String origin,
      String path,
      String abstractName,
      String permissions,
      Consumer<Path> withPath,
      Consumer<String> withAbstractName,
      Consumer<String> withPermissions) {
    if (!path.isEmpty() && !abstractName.isEmpty()) {
      throw new ExtensionConfigurationException(
          origin + " sets both path and abstractName; a socket has either a file or an abstract name, so set one");
    }
    if (!path.isEmpty()) {
      attribute(origin, "path", () -> withPath.accept(Path.of(path)));
    }
    if (!abstractName.isEmpty()) {
      attribute(origin, "abstractName", () -> withAbstractName.accept(abstractName));
    }
    if (!permissions.isEmpty()) {
      attribute(origin, "permissions", () -> withPermissions.accept(permissions));
    }
  }

  /**
   * What a system property holds for a Unix socket: its path, or for an abstract name {@code @}
   * followed by the name, as {@code ss}, systemd and socat users write it (such a socket has no path).
   */
  static String unixPropertyValue(String abstractName, Supplier<Path> path) {
    return abstractName.isEmpty() ? path.get().toString() : "@" + abstractName;
  }

  /** {@code host:port} as clients write it, e.g. {@code 127.0.0.1:41234} or {@code [::1]:41234}. */
  static String hostAndPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
