package dev.sockpuppet.internal.export;

import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.syslog.SyslogMessage;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One fake's recording to export.
 *
 * @param traffic its recording
 * @param fakeConnects whether the fake opened its connections (a client peer), so that the
 *     synthetic TCP handshake starts at the fake; otherwise the program connected
 * @param syslogMessages the messages a syslog daemon parsed, asked for at export time; null for
 *     other fakes
 */
public record ExportSource(Traffic traffic, boolean fakeConnects, Supplier<List<SyslogMessage>> syslogMessages) {
  public ExportSource {
    Objects.requireNonNull(traffic, "traffic");
  }

  /**
   * A connection's chunks and events at one moment: under the recording's lock for Sockpuppet's own
   * connections, one after the other for any other implementation.
   */
  static ConnectionRecord.Snapshot snapshot(Connection connection) {
    if (connection instanceof ConnectionRecord record) {
      return record.snapshot();
    }
    List<ConnectionEvent> events = connection.events();
    return new ConnectionRecord.Snapshot(connection.chunks(), events);
  }
}
