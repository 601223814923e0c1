package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders recordings as readable text: one line per event or chunk with its time since the
 * server started, an arrow for the direction, and a hex + ASCII dump of the bytes.
 *
 * <p>A transcript is for people, so each chunk's dump is cut to its first and last rows and a
 * connection with very many chunks shows its first and last ones; the cuts are marked with the
 * number of bytes or chunks left out. The recording itself keeps everything.
 */
public final class Transcripts {
  private static final int CHUNK_BYTES_SHOWN = 1024;
  private static final int CHUNKS_SHOWN_EACH_END = 500;

  private Transcripts() {}

  /** The transcript of one connection. */
  public static String of(Connection connection) {
    StringBuilder out = new StringBuilder();
    out.append(connection).append(" from ").append(describeAddress(connection));
    connection.peerCredentials().ifPresent(c -> out.append(" (").append(c).append(')'));
    out.append('\n');
    List<Chunk> chunks = connection.chunks();
    List<ConnectionEvent> events = connection.events();
    int c = 0;
    int e = 0;
    while (c < chunks.size() || e < events.size()) {
      boolean eventFirst =
          c >= chunks.size()
              || (e < events.size() && events.get(e).at().compareTo(chunks.get(c).at()) <= 0);
      if (eventFirst) {
        ConnectionEvent event = events.get(e++);
        line(out, event.at()).append(event).append('\n');
        continue;
      }
      if (c == CHUNKS_SHOWN_EACH_END && chunks.size() > 2 * CHUNKS_SHOWN_EACH_END) {
        int skipTo = chunks.size() - CHUNKS_SHOWN_EACH_END;
        Duration resumeAt = chunks.get(skipTo).at();
        long skippedBytes = 0;
        for (int i = c; i < skipTo; i++) {
          skippedBytes += chunks.get(i).size();
        }
        while (e < events.size() && events.get(e).at().compareTo(resumeAt) < 0) {
          ConnectionEvent event = events.get(e++);
          line(out, event.at()).append(event).append('\n');
        }
        out.append("            … ")
            .append(skipTo - c)
            .append(" chunks (")
            .append(skippedBytes)
            .append(" bytes) not shown\n");
        c = skipTo;
        continue;
      }
      appendChunk(out, chunks.get(c++));
    }
    return out.toString();
  }

  /** The transcripts of several connections under a heading. */
  public static String of(String heading, List<Connection> connections) {
    StringBuilder out = new StringBuilder(heading).append('\n');
    if (connections.isEmpty()) {
      out.append("  (no connections)\n");
    }
    for (Connection connection : connections) {
      out.append(of(connection));
    }
    return out.toString();
  }

  private static void appendChunk(StringBuilder out, Chunk chunk) {
    line(out, chunk.at())
        .append(chunk.direction().arrow())
        .append(' ')
        .append(chunk.direction().verb())
        .append(' ')
        .append(chunk.size())
        .append(chunk.size() == 1 ? " byte" : " bytes")
        .append(" at offset ")
        .append(chunk.offset())
        .append('\n');
    Bytes bytes = chunk.bytes();
    if (bytes.size() <= CHUNK_BYTES_SHOWN) {
      indent(out, HexDump.rows(bytes.toByteArray(), chunk.offset()));
      return;
    }
    int half = CHUNK_BYTES_SHOWN / 2;
    indent(out, HexDump.rows(bytes.first(half).toByteArray(), chunk.offset()));
    out.append("              … ").append(bytes.size() - 2L * half).append(" bytes not shown\n");
    long tailStart = bytes.size() - half;
    indent(out, HexDump.rows(bytes.slice(tailStart, bytes.size()).toByteArray(), chunk.offset() + tailStart));
  }

  private static StringBuilder line(StringBuilder out, Duration at) {
    String stamp = Durations.offset(at);
    return out.append("  ").append(" ".repeat(Math.max(0, 12 - stamp.length()))).append(stamp).append("  ");
  }

  private static void indent(StringBuilder out, String rows) {
    for (String row : rows.split("\n")) {
      out.append("              ").append(row).append('\n');
    }
  }

  private static String describeAddress(Connection connection) {
    String address = String.valueOf(connection.peerAddress());
    return Optional.of(address).filter(a -> !a.isEmpty() && !a.equals("null")).orElse("an unnamed socket");
  }
}
