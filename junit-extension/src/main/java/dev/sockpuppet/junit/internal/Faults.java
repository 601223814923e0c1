package dev.sockpuppet.junit.internal;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.junit.StreamFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Turns the {@code faults} attribute of the stream-server annotations into {@link Fault}s. */
final class Faults {
  private Faults() {}

  /**
   * Adds the faults of {@code faults} to a server through {@code withFaults}; nothing when empty.
   *
   * @throws ExtensionConfigurationException naming {@code faults[i]} when a fault lacks an attribute
   *     its type needs, sets one its type does not use, or has an invalid value
   */
  static void configure(String origin, StreamFault[] faults, Consumer<Fault[]> withFaults) {
    if (faults.length == 0) {
      return;
    }
    List<Fault> built = new ArrayList<>();
    for (int i = 0; i < faults.length; i++) {
      String which = "faults[" + i + "]";
      StreamFault spec = faults[i];
      checkAttributes(origin + " has " + which + " = " + spec.type(), spec);
      Fault[] fault = new Fault[1];
      Configure.attribute(origin, which, () -> fault[0] = build(origin, which, spec));
      built.add(fault[0]);
    }
    withFaults.accept(built.toArray(new Fault[0]));
  }

  private static Fault build(String origin, String which, StreamFault spec) {
    Fault fault =
        switch (spec.type()) {
          case LATENCY -> {
            Fault latency = Fault.latency(duration(origin, which, "delay", spec.delay()));
            yield spec.jitter().isEmpty() ? latency : latency.withJitter(duration(origin, which, "jitter", spec.jitter()));
          }
          case BANDWIDTH -> Fault.bandwidth(spec.bytesPerSecond());
          case SLICE -> {
            if (spec.bytes() > Integer.MAX_VALUE) {
              throw new IllegalArgumentException("a slice is at most " + Integer.MAX_VALUE + " bytes, got " + spec.bytes());
            }
            Duration pause = spec.delay().isEmpty() ? Duration.ZERO : duration(origin, which, "delay", spec.delay());
            yield Fault.slice((int) spec.bytes(), pause);
          }
          case CLOSE_AFTER -> Fault.closeAfter(spec.bytes());
          case RESET_AFTER -> Fault.resetAfter(spec.bytes());
          case RESET -> Fault.reset();
          case STALL -> Fault.stall();
          case REFUSE -> Fault.refuse();
        };
    if (spec.fromProgram()) {
      fault = fault.fromProgram();
    }
    return spec.connections().length == 0 ? fault : fault.onConnections(spec.connections());
  }

  static Duration duration(String origin, String which, String attribute, String text) {
    return DurationText.parse(text, "the " + attribute + " of " + which);
  }

  /** Fails unless the fault sets exactly the attributes its type needs, and only ones it may have. */
  private static void checkAttributes(String what, StreamFault spec) {
    Set<String> needed =
        switch (spec.type()) {
          case LATENCY -> Set.of("delay");
          case BANDWIDTH -> Set.of("bytesPerSecond");
          case SLICE, CLOSE_AFTER, RESET_AFTER -> Set.of("bytes");
          case RESET, STALL, REFUSE -> Set.of();
        };
    Set<String> optional =
        switch (spec.type()) {
          case LATENCY -> Set.of("jitter", "fromProgram");
          case SLICE -> Set.of("delay", "fromProgram");
          case BANDWIDTH, CLOSE_AFTER, RESET_AFTER, STALL -> Set.of("fromProgram");
          case RESET, REFUSE -> Set.of();
        };
    List<String> set = attributesSet(spec.delay(), spec.jitter(), spec.bytes(), spec.bytesPerSecond(), spec.fromProgram());
    checkAttributes(what, spec.type().name(), needed, optional, set, "StreamFault");
  }

  /** The names of the attributes given a value other than their default, in declaration order. */
  static List<String> attributesSet(String delay, String jitter, long bytes, long bytesPerSecond, boolean fromProgram) {
    List<String> set = new ArrayList<>();
    if (!delay.isEmpty()) {
      set.add("delay");
    }
    if (!jitter.isEmpty()) {
      set.add("jitter");
    }
    if (bytes != -1) {
      set.add("bytes");
    }
    if (bytesPerSecond != -1) {
      set.add("bytesPerSecond");
    }
    if (fromProgram) {
      set.add("fromProgram");
    }
    return set;
  }

  /**
   * Fails unless the attributes {@code set} hold every one of {@code needed} and nothing outside
   * {@code needed} and {@code optional}; shared by the stream and the datagram fault annotations.
   *
   * @param annotation the annotation whose docs list the attributes of each type
   */
  static void checkAttributes(
      String what, String type, Set<String> needed, Set<String> optional, List<String> set, String annotation) {
    for (String attribute : needed) {
      if (!set.contains(attribute)) {
        throw new ExtensionConfigurationException(
            what + " without " + attribute + ", which " + type + " needs; set " + attribute + " = " + example(attribute));
      }
    }
    for (String attribute : set) {
      if (!needed.contains(attribute) && !optional.contains(attribute)) {
        throw new ExtensionConfigurationException(
            what + " with " + attribute + ", which " + type + " does not use"
                + (attribute.equals("fromProgram") ? " (it acts when a connection opens and has no direction)" : "")
                + "; remove " + attribute + " (see " + annotation + " for the attributes of each type)");
      }
    }
  }

  private static String example(String attribute) {
    return switch (attribute) {
      case "delay" -> "\"200ms\"";
      case "bytesPerSecond" -> "1024 (bytes per second)";
      default -> "100 (bytes)";
    };
  }
}
