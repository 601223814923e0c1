package dev.sockpuppet.export;

import dev.sockpuppet.Fake;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.export.ExportSource;
import dev.sockpuppet.internal.export.JsonLinesExporter;
import dev.sockpuppet.internal.export.PcapngExporter;
import dev.sockpuppet.peer.StreamPeer;
import dev.sockpuppet.syslog.SyslogServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes what crossed one or several fakes as a pcapng capture that Wireshark and {@code tshark}
 * open, or as JSON Lines, one object per event, chunk, datagram and syslog message.
 *
 * <pre>{@code
 * TrafficExport.of(server, peer).writePcapng(Path.of("target/api.pcapng"));
 * TrafficExport.of(syslog).writeJsonLines(Path.of("target/syslog.jsonl"));
 * }</pre>
 *
 * <p><b>pcapng.</b> One interface per fake, named after it ({@code TcpServer 'api'}); timestamps are
 * the recording's ({@link Traffic#startedAt()} plus each offset), in nanoseconds unless {@link
 * #withMicrosecondTimestamps()}. A connection is a TCP exchange: handshake, a segment for each
 * chunk (several for a chunk above 65,495 bytes, the most one IPv4 packet carries), an ACK for each,
 * a FIN for a half-close or close, a RST for a reset; so Wireshark's "Follow TCP stream" shows
 * exactly the recorded bytes both ways. A datagram is a UDP datagram. TCP and UDP keep their real
 * addresses and ports; Unix stream sockets, FIFO pairs and process pipes become TCP, and Unix
 * datagram sockets UDP, between {@code 127.0.0.2} (the program) and {@code 127.0.0.3} (the fake) on
 * made-up ports, each connection a stream of its own, with the real path, pipe or process in the
 * packet comments. A Unix datagram above 65,507 bytes is cut to that size, and its comment says so.
 * Frames come fake by fake, connection by connection, then datagrams; sort by time in Wireshark to
 * interleave them.
 *
 * <p><b>JSON Lines</b>: the field names are listed in {@code docs/EXPORTS.md}; bytes are base64,
 * with a text preview of their first 256 bytes.
 *
 * <p><b>Snapshots, streaming.</b> An export reads the recording and never changes it. A running fake
 * exports what it recorded so far, each connection as it stood at one moment. Bytes are read one
 * chunk (or one 64 KiB segment) at a time, so a recording spilled to disk exports without being
 * loaded: memory holds a buffer and the list of one connection's chunks (their positions, not their
 * bytes). Export before {@link Fake#close()}, which deletes a spilled recording's file: spilled bytes
 * cannot be read after it.
 *
 * <p>Immutable and thread-safe; {@code with…} returns a new export. The {@code write…} methods fail
 * with an {@link UncheckedIOException} naming the file when it cannot be written; a stream given to
 * them is flushed, not closed.
 */
public final class TrafficExport {
  private final List<ExportSource> sources;
  private final boolean micros;

  private TrafficExport(List<ExportSource> sources, boolean micros) {
    this.sources = sources;
    this.micros = micros;
  }

  /**
   * The traffic of {@code fakes}, in this order: the recording of each one's current (or last) run,
   * as {@link Fake#traffic()} returns it now; a fake started again later begins a new recording,
   * which this export does not see. A {@code SyslogServer}'s parsed messages are in the JSON Lines
   * too (those received when a {@code write…} method runs); a client peer's connections start with
   * the fake's SYN.
   */
  public static TrafficExport of(Fake... fakes) {
    Objects.requireNonNull(fakes, "fakes");
    return of(List.of(fakes));
  }

  /** The traffic of {@code fakes}, in the list's order; see {@link #of(Fake...)}. */
  public static TrafficExport of(List<? extends Fake> fakes) {
    Objects.requireNonNull(fakes, "fakes");
    List<ExportSource> sources = new ArrayList<>();
    for (Fake fake : fakes) {
      Objects.requireNonNull(fake, "a fake to export is null");
      sources.add(new ExportSource(
          fake.traffic(),
          fake instanceof StreamPeer,
          fake instanceof SyslogServer syslog ? syslog::messages : null));
    }
    return new TrafficExport(List.copyOf(sources), false);
  }

  /**
   * Recordings without their fakes, e.g. a {@link Traffic} kept after the test. The program is
   * taken to have opened every connection, and syslog messages are not included: use {@link
   * #of(Fake...)} for those.
   */
  public static TrafficExport ofTraffic(Traffic... traffic) {
    Objects.requireNonNull(traffic, "traffic");
    List<ExportSource> sources = new ArrayList<>();
    for (Traffic one : traffic) {
      sources.add(new ExportSource(Objects.requireNonNull(one, "a traffic to export is null"), false, null));
    }
    return new TrafficExport(List.copyOf(sources), false);
  }

  /** The same export with pcapng timestamps in microseconds ({@code if_tsresol} 6) instead of nanoseconds. */
  public TrafficExport withMicrosecondTimestamps() {
    return new TrafficExport(sources, true);
  }

  /** Writes the pcapng capture to {@code file}, replacing it; creates missing parent directories. */
  public void writePcapng(Path file) {
    toFile(file, this::writePcapng);
  }

  /** Writes the pcapng capture to {@code out} and flushes it; {@code out} stays open. */
  public void writePcapng(OutputStream out) {
    Objects.requireNonNull(out, "out");
    try {
      PcapngExporter.write(sources, out, micros);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pcapng export of " + names() + ": " + e.getMessage(), e);
    }
  }

  /** Writes the JSON Lines to {@code file}, replacing it; creates missing parent directories. */
  public void writeJsonLines(Path file) {
    toFile(file, this::writeJsonLines);
  }

  /** Writes the JSON Lines (UTF-8) to {@code out} and flushes it; {@code out} stays open. */
  public void writeJsonLines(OutputStream out) {
    Objects.requireNonNull(out, "out");
    try {
      JsonLinesExporter.write(sources, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the JSON Lines export of " + names() + ": " + e.getMessage(), e);
    }
  }

  private interface StreamWrite {
    void to(OutputStream out);
  }

  private void toFile(Path file, StreamWrite write) {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
        write.to(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e.getCause());
    }
  }

  private String names() {
    return sources.stream().map(s -> s.traffic().fake()).toList().toString();
  }

  /** E.g. {@code TrafficExport[TcpServer 'api', UdpServer 'metrics']}. */
  @Override
  public String toString() {
    return "TrafficExport" + names();
  }
}
