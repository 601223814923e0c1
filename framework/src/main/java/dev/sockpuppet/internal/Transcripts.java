package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Traffic;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Renders recordings as readable text: one line per event, chunk or datagram with its time since
 * the recording began, an arrow for the direction, and a hex + ASCII dump of the bytes.
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
    out.append(connection.fake()).append(" connection #").append(connection.index());
    if (connection.peerAddress() != null) {
      // Pipes have no addresses; their events say which pipes they are.
      out.append(" from ").append(describe(connection.peerAddress()));
    }
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

  /** The transcript of a whole recording: every connection, then every datagram. */
  public static String of(Traffic traffic) {
    StringBuilder out = new StringBuilder(traffic.fake()).append('\n');
    List<Connection> connections = traffic.connections();
    List<Datagram> datagrams = traffic.datagrams();
    if (connections.isEmpty() && datagrams.isEmpty()) {
      out.append("  (no connections)\n");
    }
    for (Connection connection : connections) {
      out.append(of(connection));
    }
    for (int i = 0; i < datagrams.size(); i++) {
      if (i == CHUNKS_SHOWN_EACH_END && datagrams.size() > 2 * CHUNKS_SHOWN_EACH_END) {
        int skipTo = datagrams.size() - CHUNKS_SHOWN_EACH_END;
        out.append("            … ").append(skipTo - i).append(" datagrams not shown\n");
        i = skipTo - 1;
        continue;
      }
      appendDatagram(out, datagrams.get(i));
    }
    return out.toString();
  }

  private static void appendDatagram(StringBuilder out, Datagram datagram) {
    line(out, datagram.at())
        .append(datagram.direction().arrow())
        .append(" datagram #")
        .append(datagram.index())
        .append(' ')
        .append(datagram.direction().verb())
        .append(", ")
        .append(datagram.size())
        .append(datagram.size() == 1 ? " byte" : " bytes")
        .append(", from ")
        .append(describe(datagram.sender()))
        .append(" to ")
        .append(describe(datagram.receiver()))
        .append('\n');
    appendBytes(out, datagram.bytes(), 0);
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
    appendBytes(out, chunk.bytes(), chunk.offset());
  }

  private static void appendBytes(StringBuilder out, Bytes bytes, long offset) {
    if (bytes.size() <= CHUNK_BYTES_SHOWN) {
      indent(out, HexDump.rows(bytes.toByteArray(), offset));
      return;
    }
    int half = CHUNK_BYTES_SHOWN / 2;
    indent(out, HexDump.rows(bytes.first(half).toByteArray(), offset));
    out.append("              … ").append(bytes.size() - 2L * half).append(" bytes not shown\n");
    long tailStart = bytes.size() - half;
    indent(out, HexDump.rows(bytes.slice(tailStart, bytes.size()).toByteArray(), offset + tailStart));
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

  private static String describe(SocketAddress address) {
    String text = String.valueOf(address);
    return Optional.of(text).filter(a -> !a.isEmpty() && !a.equals("null")).orElse("an unnamed socket");
  }
}
