package dev.sockpuppet.junit.internal;

import dev.sockpuppet.datagram.DatagramFault;
import dev.sockpuppet.junit.PacketFault;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Turns the {@code faults} attribute of the datagram-server annotations into {@link DatagramFault}s. */
final class PacketFaults {
  private PacketFaults() {}

  /**
   * Adds the faults of {@code faults} to a server through {@code withFaults}; nothing when empty.
   *
   * @throws ExtensionConfigurationException naming {@code faults[i]} when a fault lacks an attribute
   *     its type needs, sets one its type does not use, or has an invalid value
   */
  static void configure(String origin, PacketFault[] faults, Consumer<DatagramFault[]> withFaults) {
    if (faults.length == 0) {
      return;
    }
    DatagramFault[] built = new DatagramFault[faults.length];
    for (int i = 0; i < faults.length; i++) {
      String which = "faults[" + i + "]";
      PacketFault spec = faults[i];
      checkAttributes(origin + " has " + which + " = " + spec.type(), spec);
      int at = i;
      Configure.attribute(origin, which, () -> built[at] = build(origin, which, spec));
    }
    withFaults.accept(built);
  }

  private static DatagramFault build(String origin, String which, PacketFault spec) {
    DatagramFault fault =
        switch (spec.type()) {
          case DROP -> DatagramFault.drop();
          case DUPLICATE -> DatagramFault.duplicate();
          case TRUNCATE -> DatagramFault.truncate(spec.bytes());
          case DELAY -> {
            DatagramFault delay = DatagramFault.delay(Faults.duration(origin, which, "delay", spec.delay()));
            yield spec.jitter().isEmpty() ? delay : delay.withJitter(Faults.duration(origin, which, "jitter", spec.jitter()));
          }
        };
    if (spec.fromProgram()) {
      fault = fault.fromProgram();
    }
    return spec.datagrams().length == 0 ? fault : fault.onDatagrams(spec.datagrams());
  }

  private static void checkAttributes(String what, PacketFault spec) {
    Set<String> needed =
        switch (spec.type()) {
          case DROP, DUPLICATE -> Set.of();
          case TRUNCATE -> Set.of("bytes");
          case DELAY -> Set.of("delay");
        };
    Set<String> optional = spec.type() == PacketFault.Type.DELAY ? Set.of("jitter", "fromProgram") : Set.of("fromProgram");
    List<String> set = Faults.attributesSet(spec.delay(), spec.jitter(), spec.bytes(), -1, spec.fromProgram());
    Faults.checkAttributes(what, spec.type().name(), needed, optional, set, "PacketFault");
  }
}
