package dev.sockpuppet.internal.export;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import dev.sockpuppet.syslog.SdElement;
import dev.sockpuppet.syslog.SdParam;
import dev.sockpuppet.syslog.SyslogMessage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Writes recordings as JSON Lines: one object per fake, connection, event, chunk, datagram and
 * syslog message, with the field names that {@code docs/EXPORTS.md} lists. The JSON is written by
 * hand (no dependency); bytes go out as base64, read and encoded a block at a time, so a chunk of
 * any size streams.
 */
public final class JsonLinesExporter {
  /** How many bytes the {@code text} preview shows. */
  static final int PREVIEW = 256;
  /** Bytes base64-encoded at once: a multiple of 3, so blocks join without padding. */
  private static final int BASE64_BLOCK = 48 * 1024;

  private final Writer out;
  private final byte[] block = new byte[BASE64_BLOCK];
  private final byte[] encoded = new byte[BASE64_BLOCK / 3 * 4];
  private final char[] chars = new char[BASE64_BLOCK / 3 * 4];
  private final Json json;

  private JsonLinesExporter(Writer out) {
    this.out = out;
    this.json = new Json(out);
  }

  /** Writes every source to {@code out} and flushes it; the caller closes {@code out}. */
  public static void write(List<ExportSource> sources, OutputStream out) throws IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    JsonLinesExporter exporter = new JsonLinesExporter(writer);
    for (ExportSource source : sources) {
      exporter.fake(source);
    }
    writer.flush();
  }

  private void fake(ExportSource source) throws IOException {
    Traffic traffic = source.traffic();
    Instant started = traffic.startedAt();
    json.begin("fake", traffic.fake());
    json.field("startedAt", started.toString());
    json.end();
    for (Connection connection : traffic.connections()) {
      connection(traffic, connection);
    }
    for (Datagram datagram : traffic.datagrams()) {
      json.begin("datagram", traffic.fake());
      json.field("index", datagram.index());
      at(started, datagram.at());
      json.field("direction", direction(datagram.direction()));
      json.field("sender", Addresses.describe(datagram.sender()));
      json.field("receiver", Addresses.describe(datagram.receiver()));
      bytes(datagram.bytes());
      json.end();
    }
    if (source.syslogMessages() != null) {
      for (SyslogMessage message : source.syslogMessages().get()) {
        syslog(traffic.fake(), started, message);
      }
    }
  }

  private void connection(Traffic traffic, Connection connection) throws IOException {
    ConnectionRecord.Snapshot snapshot = ExportSource.snapshot(connection);
    List<Chunk> chunks = snapshot.chunks();
    List<ConnectionEvent> events = snapshot.events();
    Instant started = traffic.startedAt();
    json.begin("connection", traffic.fake());
    json.field("connection", connection.index());
    at(started, Duration.between(started, connection.openedAt()));
    json.field("local", Addresses.describe(connection.localAddress()));
    json.field("peer", Addresses.describe(connection.peerAddress()));
    if (connection.peerCredentials().isPresent()) {
      var credentials = connection.peerCredentials().get();
      json.raw(",\"peerCredentials\":{\"pid\":" + credentials.pid() + ",\"uid\":" + credentials.uid()
          + ",\"gid\":" + credentials.gid() + "}");
    }
    json.end();
    // Merged in the order they happened; an event before a chunk at the same instant, as transcripts do.
    int c = 0;
    int e = 0;
    while (c < chunks.size() || e < events.size()) {
      boolean eventNext = c >= chunks.size()
          || (e < events.size() && events.get(e).at().compareTo(chunks.get(c).at()) <= 0);
      if (eventNext) {
        ConnectionEvent event = events.get(e++);
        json.begin("event", traffic.fake());
        json.field("connection", connection.index());
        at(started, event.at());
        json.field("kind", event.kind().name());
        json.field("side", event.side().name());
        json.field("detail", event.detail());
        json.field("length", event.bytes());
        json.end();
      } else {
        Chunk chunk = chunks.get(c++);
        json.begin("chunk", traffic.fake());
        json.field("connection", connection.index());
        at(started, chunk.at());
        json.field("direction", direction(chunk.direction()));
        json.field("streamOffset", chunk.offset());
        bytes(chunk.bytes());
        json.end();
      }
    }
  }

  private void syslog(String fake, Instant started, SyslogMessage message) throws IOException {
    json.begin("syslog", fake);
    json.field("index", message.index());
    at(started, message.at());
    json.field("sender", message.sender().map(Addresses::describe).orElse(null));
    json.field("facility", message.facility().name());
    json.field("severity", message.severity().name());
    json.field("priority", message.priority());
    json.field("format", message.format().name());
    json.field("timestamp", message.timestampText().orElse(null));
    json.field("hostname", message.hostname().orElse(null));
    json.field("appName", message.appName().orElse(null));
    json.field("procId", message.procId().orElse(null));
    json.field("msgId", message.msgId().orElse(null));
    json.raw(",\"structuredData\":[");
    List<SdElement> elements = message.structuredData();
    for (int i = 0; i < elements.size(); i++) {
      SdElement element = elements.get(i);
      json.raw(i == 0 ? "{\"id\":" : ",{\"id\":");
      json.string(element.id());
      json.raw(",\"params\":[");
      for (int j = 0; j < element.params().size(); j++) {
        SdParam param = element.params().get(j);
        json.raw(j == 0 ? "{\"name\":" : ",{\"name\":");
        json.string(param.name());
        json.raw(",\"value\":");
        json.string(param.value());
        json.raw("}");
      }
      json.raw("]}");
    }
    json.raw("]");
    json.field("message", message.message());
    json.field("parseError", message.parseError().orElse(null));
    bytes(message.raw());
    json.end();
  }

  private void at(Instant started, Duration offset) throws IOException {
    json.field("at", started.plus(offset).toString());
    json.field("offsetNanos", offset.toNanos());
  }

  private static String direction(Direction direction) {
    return direction.verb();
  }

  /** {@code length}, {@code bytes} (base64, streamed) and the {@code text} preview. */
  private void bytes(Bytes bytes) throws IOException {
    json.field("length", bytes.size());
    json.raw(",\"bytes\":\"");
    Base64.Encoder encoder = Base64.getEncoder();
    try (InputStream in = bytes.inputStream()) {
      int read;
      while ((read = in.readNBytes(block, 0, block.length)) > 0) {
        int length = read == block.length ? encoder.encode(block, encoded)
            : encoder.encode(java.util.Arrays.copyOf(block, read), encoded);
        for (int i = 0; i < length; i++) {
          chars[i] = (char) encoded[i];
        }
        out.write(chars, 0, length);
      }
    }
    out.write('"');
    Bytes shown = bytes.first(PREVIEW);
    json.field("text", Json.preview(shown.toByteArray()));
    json.field("textTruncated", shown.size() < bytes.size());
  }
}
