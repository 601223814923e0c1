package dev.sockpuppet.internal;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.Traffic;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Renders recordings as readable text: a header per connection that sums it up (who, bytes each
 * way, how it ended), then one line per event, chunk or datagram with its time since the recording
 * began, an arrow for the direction, the size and the offset:
 *
 * <pre>
 * TcpServer 'redis' connection #0 from /127.0.0.1:50312: received 14 bytes in 1 chunk, sent 5 bytes in 1 chunk; closed by peer
 *     +0.012ms  opened
 *     +0.480ms  &lt;- 14 B at 0  "PING\r\n$3\r\nfoo"
 *     +0.530ms  -&gt; 5 B at 0  "+OK\r\n"
 * </pre>
 *
 * <p>A small chunk that reads as text is shown on its own line as escaped text; a larger one as
 * rows of escaped text, and binary bytes as hex + ASCII rows. A transcript is for people, so long
 * dumps are folded to their first and last rows, and a recording with very many chunks or
 * connections shows its first and last ones; each fold says how many bytes, chunks or connections
 * it leaves out. The recording itself keeps everything.
 */
public final class Transcripts {
  private static final int CHUNKS_SHOWN_EACH_END = 500;
  private static final int CONNECTIONS_SHOWN_EACH_END = 100;
  /** The largest chunk shown on its own line, as escaped text. */
  private static final int ONE_LINE = 96;
  /** Text chunks up to this size show whole; larger ones their first and last bytes. */
  private static final int TEXT_SHOWN = 512;
  private static final int TEXT_HEAD = 256;
  private static final int TEXT_TAIL = 128;
  /** Binary chunks up to this size show whole; larger ones their first and last rows. */
  private static final int HEX_SHOWN = 256;
  private static final int HEX_HEAD = 64;
  private static final int HEX_TAIL = 32;
  private static final String INDENT = "                ";

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
    List<Chunk> chunks = connection.chunks();
    List<ConnectionEvent> events = connection.events();
    out.append(": ").append(summary(chunks, Direction.RECEIVED)).append(", ").append(summary(chunks, Direction.SENT));
    if (!events.isEmpty() && events.get(events.size() - 1).kind() != ConnectionEvent.Kind.OPENED) {
      out.append("; ").append(events.get(events.size() - 1));
    } else {
      out.append("; open");
    }
    out.append('\n');
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
        out.append(INDENT).append("… ")
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
    for (int i = 0; i < connections.size(); i++) {
      if (i == CONNECTIONS_SHOWN_EACH_END && connections.size() > 2 * CONNECTIONS_SHOWN_EACH_END) {
        int skipTo = connections.size() - CONNECTIONS_SHOWN_EACH_END;
        out.append("… ").append(skipTo - i).append(" connections (#").append(i).append(" to #").append(skipTo - 1)
            .append(") not shown\n");
        i = skipTo;
      }
      out.append(of(connections.get(i)));
    }
    for (int i = 0; i < datagrams.size(); i++) {
      if (i == CHUNKS_SHOWN_EACH_END && datagrams.size() > 2 * CHUNKS_SHOWN_EACH_END) {
        int skipTo = datagrams.size() - CHUNKS_SHOWN_EACH_END;
        out.append(INDENT).append("… ").append(skipTo - i).append(" datagrams not shown\n");
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
        .append(size(datagram.size()))
        .append(", from ")
        .append(describe(datagram.sender()))
        .append(" to ")
        .append(describe(datagram.receiver()));
    appendBytes(out, datagram.bytes(), 0);
  }

  private static void appendChunk(StringBuilder out, Chunk chunk) {
    line(out, chunk.at())
        .append(chunk.direction().arrow())
        .append(' ')
        .append(size(chunk.size()))
        .append(" at ")
        .append(chunk.offset());
    appendBytes(out, chunk.bytes(), chunk.offset());
  }

  /**
   * Ends the line that announced {@code bytes} and shows them: on that line as escaped text when
   * small and printable, else as rows (escaped text or hex + ASCII), folded when long.
   */
  private static void appendBytes(StringBuilder out, Bytes bytes, long offset) {
    if (bytes.isEmpty()) {
      out.append('\n');
      return;
    }
    byte[] head = bytes.first(Math.max(TEXT_HEAD, HEX_HEAD)).toByteArray();
    byte[] tail = bytes.last(TEXT_TAIL).toByteArray();
    boolean text = HexDump.readsAsText(head) && HexDump.readsAsText(tail);
    if (text && bytes.size() <= ONE_LINE) {
      out.append("  \"").append(HexDump.escaped(bytes.toByteArray())).append("\"\n");
      return;
    }
    out.append('\n');
    if (text) {
      if (bytes.size() <= TEXT_SHOWN) {
        indent(out, HexDump.textRows(bytes.toByteArray(), offset, -1));
      } else {
        indent(out, HexDump.textRows(bytes.first(TEXT_HEAD).toByteArray(), offset, -1));
        fold(out, bytes.size() - TEXT_HEAD - TEXT_TAIL);
        indent(out, HexDump.textRows(tail, offset + bytes.size() - TEXT_TAIL, -1));
      }
    } else if (bytes.size() <= HEX_SHOWN) {
      indent(out, HexDump.rows(bytes.toByteArray(), offset));
    } else {
      long tailStart = (bytes.size() - HEX_TAIL) / HexDump.ROW * HexDump.ROW;
      indent(out, HexDump.rows(bytes.first(HEX_HEAD).toByteArray(), offset));
      fold(out, tailStart - HEX_HEAD);
      indent(out, HexDump.rows(bytes.slice(tailStart, bytes.size()).toByteArray(), offset + tailStart));
    }
  }

  private static void fold(StringBuilder out, long skipped) {
    out.append(INDENT).append("… ").append(HexDump.count(skipped)).append(" …\n");
  }

  private static String size(long bytes) {
    return bytes + " B";
  }

  /** {@code "received 14 bytes in 1 chunk"}. */
  private static String summary(List<Chunk> chunks, Direction direction) {
    long bytes = 0;
    int count = 0;
    for (Chunk chunk : chunks) {
      if (chunk.direction() == direction) {
        bytes += chunk.size();
        count++;
      }
    }
    return direction.verb() + " " + HexDump.count(bytes) + (count == 0 ? "" : " in " + count + (count == 1 ? " chunk" : " chunks"));
  }

  private static StringBuilder line(StringBuilder out, Duration at) {
    String stamp = Durations.offset(at);
    return out.append("  ").append(" ".repeat(Math.max(0, 12 - stamp.length()))).append(stamp).append("  ");
  }

  private static void indent(StringBuilder out, String rows) {
    for (String row : rows.split("\n")) {
      out.append(INDENT).append(row).append('\n');
    }
  }

  private static String describe(SocketAddress address) {
    String text = String.valueOf(address);
    return Optional.of(text).filter(a -> !a.isEmpty() && !a.equals("null")).orElse("an unnamed socket");
  }
}
