package dev.sockpuppet.internal.export;

import dev.sockpuppet.Chunk;
import dev.sockpuppet.Connection;
import dev.sockpuppet.ConnectionEvent;
import dev.sockpuppet.ConnectionEvent.Kind;
import dev.sockpuppet.ConnectionEvent.Side;
import dev.sockpuppet.Datagram;
import dev.sockpuppet.Direction;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.Durations;
import dev.sockpuppet.internal.export.Packets.Endpoint;
import dev.sockpuppet.internal.export.Packets.Frame;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes recordings as pcapng: one interface per fake, each connection as a TCP exchange
 * (handshake, one segment per chunk, or several for a chunk above the largest IP payload, each
 * acknowledged; FIN for half-closes and closes, RST for resets), each datagram as a UDP datagram.
 * TCP and UDP keep their real addresses and ports; Unix sockets, FIFOs and process pipes become
 * TCP or UDP between {@code 127.0.0.2} (the program) and {@code 127.0.0.3} (the fake) on made-up
 * ports, with the real names in packet comments.
 *
 * <p>Streams: a chunk's bytes are read one segment at a time into one buffer; what is held at any
 * time is that buffer, the packet before (which may still get a comment) and the lists of one
 * connection's chunks and events (no bytes).
 */
public final class PcapngExporter {
  static final byte[] PROGRAM_V4 = {127, 0, 0, 2};
  static final byte[] FAKE_V4 = {127, 0, 0, 3};
  /** Made-up ports: a fake's in 10000..19999, the program's in 20000..59999. */
  private static final int FAKE_PORTS = 10_000;
  private static final int PROGRAM_PORTS = 20_000;
  private static final int PROGRAM_PORT_COUNT = 40_000;
  /** Distinct program addresses of Unix datagrams that get a port of their own; the rest share one. */
  private static final int MAX_NAMED_SENDERS = 4096;
  private static final long PROGRAM_ISN = 1_000_000L;
  private static final long FAKE_ISN = 2_000_000L;

  private final PcapngWriter writer;
  private final boolean micros;
  /** Two packet buffers: one holds the packet waiting for comments, the other builds the next. */
  private final Packets first = new Packets();
  private final Packets second = new Packets();
  private int syntheticPrograms;

  private Packets heldPackets;
  private Frame heldFrame;
  private int heldInterface;
  private long heldTimestamp;
  private StringBuilder heldComment;

  private PcapngExporter(OutputStream out, boolean micros) {
    this.writer = new PcapngWriter(out);
    this.micros = micros;
  }

  /**
   * Writes one section with every source in it to {@code out}, and flushes it; the caller closes
   * {@code out}.
   *
   * @param micros microsecond timestamps; nanoseconds otherwise
   */
  public static void write(List<ExportSource> sources, OutputStream out, boolean micros) throws IOException {
    PcapngExporter exporter = new PcapngExporter(out, micros);
    exporter.writer.sectionHeader("Sockpuppet");
    for (ExportSource source : sources) {
      exporter.fake(source);
    }
    exporter.writer.flush();
  }

  private void fake(ExportSource source) throws IOException {
    Traffic traffic = source.traffic();
    int iface = writer.interfaceDescription(
        traffic.fake(),
        "Sockpuppet fake " + traffic.fake(),
        "recording of " + traffic.fake() + " started at " + traffic.startedAt()
            + "; TCP and UDP keep their real addresses, while Unix sockets, FIFOs and process pipes are shown"
            + " as TCP or UDP between 127.0.0.2 (the program) and 127.0.0.3 (the fake) on made-up ports,"
            + " with the real names in packet comments",
        micros ? 6 : 9);
    Timeline timeline = new Timeline(iface, traffic.startedAt(), micros);
    Endpoint syntheticFake = new Endpoint(FAKE_V4, FAKE_PORTS + iface % FAKE_PORTS);
    for (Connection connection : traffic.connections()) {
      new Flow(connection, source.fakeConnects(), syntheticFake, timeline).write();
      release();
    }
    datagrams(traffic.datagrams(), syntheticFake, timeline);
  }

  /** Converts recording offsets to the interface's timestamps. */
  private record Timeline(int iface, long startNanos, boolean micros) {
    Timeline(int iface, Instant startedAt, boolean micros) {
      this(iface, startedAt.getEpochSecond() * 1_000_000_000L + startedAt.getNano(), micros);
    }

    long at(Duration offset) {
      long nanos = startNanos + offset.toNanos();
      return micros ? nanos / 1000 : nanos;
    }
  }

  // ---- packets, each held until the next so that events without a packet can comment on it ----

  /** The packet buffer not holding the waiting packet. */
  private Packets free() {
    return heldPackets == first ? second : first;
  }

  private void emit(Packets packets, Frame frame, Timeline timeline, Duration at, String comment) throws IOException {
    release();
    heldPackets = packets;
    heldFrame = frame;
    heldInterface = timeline.iface();
    heldTimestamp = timeline.at(at);
    heldComment = comment == null ? null : new StringBuilder(comment);
  }

  /** Adds a line to the waiting packet's comment. */
  private void note(String text) {
    if (heldComment == null) {
      heldComment = new StringBuilder(text);
    } else {
      heldComment.append('\n').append(text);
    }
  }

  /** Writes the waiting packet, if there is one. */
  private void release() throws IOException {
    if (heldPackets != null) {
      writer.packet(heldInterface, heldTimestamp, heldPackets.buffer(), heldFrame.offset(), heldFrame.length(),
          heldComment == null ? null : heldComment.toString());
      heldPackets = null;
      heldComment = null;
    }
  }

  // ---- connections ----

  /** One connection replayed as TCP. Index 0 of the arrays is the program's side, 1 the fake's. */
  private final class Flow {
    private static final int PROGRAM = 0;
    private static final int FAKE = 1;

    private final Connection connection;
    private final boolean fakeConnects;
    private final Timeline timeline;
    private final Endpoint[] ends = new Endpoint[2];
    private final long[] next = {PROGRAM_ISN, FAKE_ISN};
    private final boolean[] finished = new boolean[2];
    private final String description;
    private boolean opened;
    private boolean ended;

    Flow(Connection connection, boolean fakeConnects, Endpoint syntheticFake, Timeline timeline) {
      this.connection = connection;
      this.fakeConnects = fakeConnects;
      this.timeline = timeline;
      SocketAddress local = connection.localAddress();
      SocketAddress peer = connection.peerAddress();
      String who = connection.fake() + " connection #" + connection.index() + ": ";
      if (Addresses.isIp(local) && Addresses.isIp(peer)) {
        Endpoint[] real = real((InetSocketAddress) peer, (InetSocketAddress) local);
        ends[PROGRAM] = real[0];
        ends[FAKE] = real[1];
        description = who + "TCP, the program at " + Addresses.describe(peer) + ", the fake at " + Addresses.describe(local);
      } else {
        ends[PROGRAM] = syntheticProgram();
        ends[FAKE] = syntheticFake;
        description = who + kind(local, peer) + ", the program at " + orNone(Addresses.describe(peer))
            + ", the fake at " + orNone(Addresses.describe(local)) + "; shown as TCP, 127.0.0.2:" + ends[PROGRAM].port()
            + " is the program (what it wrote), 127.0.0.3:" + ends[FAKE].port() + " the fake (what it sent)";
      }
    }

    void write() throws IOException {
      ConnectionRecord.Snapshot snapshot = ExportSource.snapshot(connection);
      List<Chunk> chunks = snapshot.chunks();
      List<ConnectionEvent> events = snapshot.events();
      int[] last = {lastIndex(chunks, Direction.RECEIVED), lastIndex(chunks, Direction.SENT)};
      // An end or reset recorded before a chunk of the same side (threads race to the record) waits
      // for that chunk, so that every recorded byte is in the stream before its FIN or RST.
      ArrayDeque<ConnectionEvent> waiting = new ArrayDeque<>();
      int c = 0;
      int e = 0;
      while (c < chunks.size() || e < events.size()) {
        boolean chunkNext = e >= events.size()
            || (c < chunks.size() && events.get(e).kind() != Kind.OPENED
                && chunks.get(c).at().compareTo(events.get(e).at()) <= 0);
        if (chunkNext) {
          chunk(chunks.get(c++));
          while (!waiting.isEmpty() && ready(waiting.peek(), c, last)) {
            event(waiting.poll());
          }
        } else {
          ConnectionEvent event = events.get(e++);
          if (waiting.isEmpty() && ready(event, c, last)) {
            event(event);
          } else {
            waiting.add(event);
          }
        }
      }
      for (ConnectionEvent event : waiting) {
        event(event);
      }
    }

    private boolean ready(ConnectionEvent event, int chunksDone, int[] last) {
      return switch (event.kind()) {
        case HALF_CLOSED -> chunksDone > last[event.side() == Side.PEER ? 0 : 1];
        case CLOSED, RESET -> chunksDone > Math.max(last[0], last[1]);
        default -> true;
      };
    }

    private void chunk(Chunk chunk) throws IOException {
      open(chunk.at());
      int from = chunk.direction() == Direction.RECEIVED ? PROGRAM : FAKE;
      try (InputStream in = chunk.bytes().inputStream()) {
        long left = chunk.size();
        while (left > 0) {
          int count = (int) Math.min(left, Packets.MAX_TCP_PAYLOAD);
          Packets packets = free();
          int read = in.readNBytes(packets.buffer(), Packets.payloadOffset(), count);
          if (read != count) {
            throw new IOException(connection + ": a chunk of " + chunk.size() + " bytes ended after " + (chunk.size() - left + read));
          }
          segment(packets, from, Packets.PSH | Packets.ACK, count, chunk.at(), null);
          left -= count;
        }
      }
    }

    private void event(ConnectionEvent event) throws IOException {
      String text = Durations.offset(event.at()) + " " + event;
      if (event.kind() == Kind.OPENED) {
        open(event.at());
        return;
      }
      open(event.at());
      int side = event.side() == Side.PEER ? PROGRAM : FAKE;
      if (ended) {
        note(text);
        return;
      }
      switch (event.kind()) {
        case HALF_CLOSED -> {
          if (!finish(side, event.at(), text)) {
            note(text);
          }
        }
        case CLOSED -> {
          boolean sent = finish(side, event.at(), text);
          sent |= finish(1 - side, event.at(), sent ? null : text);
          if (!sent) {
            note(text);
          }
          ended = true;
        }
        case RESET -> {
          segment(free(), side, Packets.RST | Packets.ACK, 0, event.at(), text);
          ended = true;
        }
        default -> note(text);
      }
    }

    /** The handshake, once, before anything else: SYN, SYN+ACK, ACK from whoever connected. */
    private void open(Duration at) throws IOException {
      if (opened) {
        return;
      }
      opened = true;
      int client = fakeConnects ? FAKE : PROGRAM;
      int server = 1 - client;
      Packets packets = free();
      emit(packets, packets.tcp(ends[client], ends[server], next[client], 0, Packets.SYN, 0), timeline, at, description);
      next[client]++;
      packets = free();
      emit(packets, packets.tcp(ends[server], ends[client], next[server], next[client], Packets.SYN | Packets.ACK, 0),
          timeline, at, null);
      next[server]++;
      packets = free();
      emit(packets, packets.tcp(ends[client], ends[server], next[client], next[server], Packets.ACK, 0), timeline, at, null);
    }

    /** A FIN from {@code side} and its ACK, unless that side sent one already; returns whether it did now. */
    private boolean finish(int side, Duration at, String comment) throws IOException {
      if (finished[side]) {
        return false;
      }
      finished[side] = true;
      segment(free(), side, Packets.FIN | Packets.ACK, 0, at, comment);
      return true;
    }

    /**
     * A segment from {@code side} with {@code length} payload bytes already in {@code packets}, and
     * (unless it is a reset) the other side's ACK.
     */
    private void segment(Packets packets, int side, int flags, int length, Duration at, String comment) throws IOException {
      int other = 1 - side;
      emit(packets, packets.tcp(ends[side], ends[other], next[side], next[other], flags, length), timeline, at, comment);
      next[side] += length + ((flags & Packets.FIN) != 0 ? 1 : 0);
      if ((flags & Packets.RST) == 0) {
        Packets ack = free();
        emit(ack, ack.tcp(ends[other], ends[side], next[other], next[side], Packets.ACK, 0), timeline, at, null);
      }
    }
  }

  private static int lastIndex(List<Chunk> chunks, Direction direction) {
    for (int i = chunks.size() - 1; i >= 0; i--) {
      if (chunks.get(i).direction() == direction) {
        return i;
      }
    }
    return -1;
  }

  private Endpoint syntheticProgram() {
    return new Endpoint(PROGRAM_V4, PROGRAM_PORTS + syntheticPrograms++ % PROGRAM_PORT_COUNT);
  }

  /** The program's and the fake's real endpoints; an IPv4 one as IPv4-mapped IPv6 if the other is IPv6. */
  private static Endpoint[] real(InetSocketAddress program, InetSocketAddress fake) {
    byte[] p = program.getAddress().getAddress();
    byte[] f = fake.getAddress().getAddress();
    if (p.length != f.length) {
      p = mapped(p);
      f = mapped(f);
    }
    return new Endpoint[] {new Endpoint(p, program.getPort()), new Endpoint(f, fake.getPort())};
  }

  private static byte[] mapped(byte[] address) {
    if (address.length == 16) {
      return address;
    }
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xFF;
    v6[11] = (byte) 0xFF;
    System.arraycopy(address, 0, v6, 12, 4);
    return v6;
  }

  private static String kind(SocketAddress local, SocketAddress peer) {
    if (local == null && peer == null) {
      return "pipes (the events say which)";
    }
    if (peer instanceof dev.sockpuppet.fifo.PipeAddress || local instanceof dev.sockpuppet.fifo.PipeAddress) {
      return "named pipes";
    }
    return "a Unix stream socket";
  }

  private static String orNone(String described) {
    return described == null ? "no address" : described;
  }

  // ---- datagrams ----

  private void datagrams(List<Datagram> datagrams, Endpoint syntheticFake, Timeline timeline) throws IOException {
    Map<String, Endpoint> programs = new HashMap<>();
    Endpoint shared = null;
    for (Datagram datagram : datagrams) {
      boolean received = datagram.direction() == Direction.RECEIVED;
      SocketAddress program = received ? datagram.sender() : datagram.receiver();
      SocketAddress fake = received ? datagram.receiver() : datagram.sender();
      Endpoint programEnd;
      Endpoint fakeEnd;
      StringBuilder comment = new StringBuilder();
      if (Addresses.isIp(program) && Addresses.isIp(fake)) {
        Endpoint[] real = real((InetSocketAddress) program, (InetSocketAddress) fake);
        programEnd = real[0];
        fakeEnd = real[1];
      } else {
        fakeEnd = syntheticFake;
        String name = orNone(Addresses.describe(program));
        programEnd = programs.get(name);
        if (programEnd == null) {
          if (programs.size() < MAX_NAMED_SENDERS) {
            programEnd = syntheticProgram();
            programs.put(name, programEnd);
            comment.append("Unix datagram socket: the program's ").append(name).append(" is shown as 127.0.0.2:")
                .append(programEnd.port()).append(", the fake's ").append(orNone(Addresses.describe(fake)))
                .append(" as 127.0.0.3:").append(fakeEnd.port());
          } else {
            if (shared == null) {
              shared = syntheticProgram();
            }
            programEnd = shared;
            comment.append("Unix datagram socket: the program's ").append(name).append(" (too many to tell apart; shares 127.0.0.2:")
                .append(shared.port()).append(')');
          }
        }
      }
      int max = programEnd.v6() ? Packets.MAX_UDP6_PAYLOAD : Packets.MAX_UDP4_PAYLOAD;
      int count = (int) Math.min(datagram.size(), max);
      if (count < datagram.size()) {
        comment.append(comment.length() > 0 ? "\n" : "").append("datagram #").append(datagram.index()).append(" cut to ")
            .append(count).append(" of its ").append(datagram.size()).append(" bytes: one UDP datagram carries no more");
      }
      Packets packets = free();
      try (InputStream in = datagram.bytes().inputStream()) {
        if (in.readNBytes(packets.buffer(), Packets.payloadOffset(), count) != count) {
          throw new IOException("datagram #" + datagram.index() + " of " + datagram.size() + " bytes ended early");
        }
      }
      Frame frame = received ? packets.udp(programEnd, fakeEnd, count) : packets.udp(fakeEnd, programEnd, count);
      emit(packets, frame, timeline, datagram.at(), comment.length() == 0 ? null : comment.toString());
      release();
    }
  }
}
