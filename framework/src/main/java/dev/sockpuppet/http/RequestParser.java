package dev.sockpuppet.http;

import dev.sockpuppet.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the HTTP/1.1 requests in one connection's received stream as it arrives, chunk by chunk
 * (RFC 9112): the head up to its empty line, then a body framed by Content-Length or by the chunked
 * transfer coding (with trailers). Requests may arrive a byte at a time or several in one chunk.
 *
 * <p><b>No buffer of its own.</b> The parser only scans: it remembers offsets into the stream and
 * reads a head, a chunk-size line or a trailer section back from the {@link Source} once it is
 * complete. A request body is never copied; the request's body is a slice of the source (the
 * recording). What it holds is a few counters, plus two offsets per chunk of a chunked body. A head
 * longer than its bound is malformed (431) as soon as the bound passes, whether or not it ever ends.
 *
 * <p>Not thread-safe: one parser per connection, fed from one thread.
 */
final class RequestParser {
  /** The longest chunk-size line (size and chunk extensions) it accepts. */
  static final int MAX_CHUNK_LINE = 4 * 1024;

  /** Where the parser reads back what it has scanned: bytes {@code from} to {@code to} of the stream. */
  @FunctionalInterface
  interface Source {
    Bytes slice(long from, long to);
  }

  /** What the parser finds. */
  interface Listener {
    /** A request's head is complete and its body may follow (to answer {@code Expect}, say). */
    default void head(Head head) throws IOException {}

    /** A request is complete, body and trailers included. */
    void request(HttpRequest request) throws IOException;

    /**
     * The input is not HTTP/1.1 the parser can frame; it stops. {@code status} is what a server
     * answers (400, 431, 501, 505), {@code start} the first bytes of the offending request.
     */
    void malformed(int status, String reason, Bytes start) throws IOException;
  }

  /** A listener that keeps what the parser finds. */
  static final class Collector implements Listener {
    final List<HttpRequest> requests = new ArrayList<>();
    /** Each malformed input as {@code "400 reason (N bytes shown)"}. */
    final List<String> problems = new ArrayList<>();

    @Override
    public void request(HttpRequest request) {
      requests.add(request);
    }

    @Override
    public void malformed(int status, String reason, Bytes start) {
      problems.add(status + " " + reason + " (" + start.size() + " bytes shown)");
    }
  }

  /** A request's head, parsed. */
  record Head(String method, String target, String version, List<Map.Entry<String, String>> headers) {
    /** The first value of {@code name} (case-insensitive), or null. */
    String header(String name) {
      for (Map.Entry<String, String> header : headers) {
        if (header.getKey().equalsIgnoreCase(name)) {
          return header.getValue();
        }
      }
      return null;
    }

    /** How many times {@code name} occurs (case-insensitive). */
    int count(String name) {
      return (int) headers.stream().filter(header -> header.getKey().equalsIgnoreCase(name)).count();
    }
  }

  private enum State { START, HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, STOPPED }

  private final String fake;
  private final int connection;
  private final Source source;
  private final long maxHead;
  private final Listener listener;

  private State state = State.START;
  /** Offset of the next byte to look at. */
  private long position;
  private int requests;
  // The message being parsed.
  private long messageStart;
  private long lineStart;
  private byte previous;
  private Head head;
  private long bodyStart;
  /** Bytes left of the body (BODY) or of the current chunk (CHUNK_DATA). */
  private long remaining;
  /** Start and end offsets of each chunk's data; {@code chunkCount * 2} of them are used. */
  private long[] chunks = new long[8];
  private int chunkCount;
  private long trailersStart;
  /** In CHUNK_END: the CR of the CRLF after a chunk's data has arrived. */
  private boolean chunkEndCr;

  /**
   * @param fake the fake's name for the requests, e.g. {@code TcpServer 'api'}
   * @param connection the connection's index
   * @param maxHead the longest head (and the longest trailer section) in bytes
   */
  RequestParser(String fake, int connection, Source source, long maxHead, Listener listener) {
    this.fake = fake;
    this.connection = connection;
    this.source = source;
    this.maxHead = maxHead;
    this.listener = listener;
  }

  /** Stops parsing: nothing more is reported, whatever arrives. */
  void stop() {
    state = State.STOPPED;
  }

  /** Whether part of a request has arrived and the rest has not. */
  boolean inRequest() {
    return state != State.START && state != State.STOPPED;
  }

  /** Scans the next bytes of the stream (they follow the previous ones). */
  void feed(Bytes chunk) throws IOException {
    long size = chunk.size();
    long at = 0;
    byte[] data = null;
    while (at < size && state != State.STOPPED) {
      if (state == State.BODY || state == State.CHUNK_DATA) {
        // Body bytes are only counted: the request's body is read back from the source.
        long take = Math.min(remaining, size - at);
        at += take;
        position += take;
        remaining -= take;
        if (remaining == 0) {
          if (state == State.BODY) {
            complete(source.slice(bodyStart, position), position);
          } else {
            chunkEndCr = false;
            state = State.CHUNK_END;
          }
        }
        continue;
      }
      if (data == null) {
        data = chunk.toByteArray();
      }
      byte b = data[(int) at++];
      scan(b);
      previous = b;
      position++;
    }
  }

  /** One byte of a head, a chunk-size line, a chunk's CRLF or the trailers, at {@link #position}. */
  private void scan(byte b) throws IOException {
    switch (state) {
      case START -> {
        // RFC 9112 2.2: empty lines before a request line are ignored (some clients send a CRLF after a body).
        if (b != '\r' && b != '\n') {
          messageStart = position;
          lineStart = position;
          state = State.HEAD;
          scan(b);
        }
      }
      case HEAD -> {
        if (position - messageStart >= maxHead) {
          malformed(431, "its head is longer than " + maxHead + " bytes (the longest the responder reads;"
              + " see HttpResponder.withMaxHeadSize)");
        } else if (b == '\n') {
          if (emptyLine()) {
            headComplete(position + 1);
          } else {
            lineStart = position + 1;
          }
        }
      }
      case CHUNK_SIZE -> {
        if (position - lineStart >= MAX_CHUNK_LINE) {
          malformed(400, "a chunk-size line of its body is longer than " + MAX_CHUNK_LINE + " bytes");
        } else if (b == '\n') {
          chunkSize(source.slice(lineStart, position));
        }
      }
      case CHUNK_END -> {
        if (b == '\n') {
          lineStart = position + 1;
          state = State.CHUNK_SIZE;
        } else if (b == '\r' && !chunkEndCr) {
          chunkEndCr = true;
        } else {
          malformed(400, "a chunk of its body is not followed by CRLF");
        }
      }
      case TRAILERS -> {
        if (position - trailersStart >= maxHead) {
          malformed(431, "its trailer section is longer than " + maxHead + " bytes");
        } else if (b == '\n') {
          if (emptyLine()) {
            trailersComplete();
          } else {
            lineStart = position + 1;
          }
        }
      }
      default -> throw new IllegalStateException("scanning in state " + state);
    }
  }

  /** Whether the line that the LF at {@link #position} ends is empty (a lone CR counts as empty). */
  private boolean emptyLine() {
    long length = position - lineStart;
    return length == 0 || (length == 1 && previous == '\r');
  }

  private void headComplete(long end) throws IOException {
    try {
      head = parseHead(source.slice(messageStart, end));
    } catch (Malformed e) {
      malformed(e.status, e.getMessage());
      return;
    }
    long length;
    boolean chunked;
    try {
      chunked = isChunked(head);
      length = chunked ? 0 : contentLength(head);
    } catch (Malformed e) {
      malformed(e.status, e.getMessage());
      return;
    }
    bodyStart = end;
    listener.head(head);
    if (state == State.STOPPED) {
      return;
    }
    if (chunked) {
      chunkCount = 0;
      lineStart = end;
      state = State.CHUNK_SIZE;
    } else if (length > 0) {
      remaining = length;
      state = State.BODY;
    } else {
      complete(Bytes.empty(), end);
    }
  }

  private void chunkSize(Bytes line) throws IOException {
    String text = line.text(StandardCharsets.ISO_8859_1);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    int extensions = text.indexOf(';');
    String digits = (extensions < 0 ? text : text.substring(0, extensions)).strip();
    long size;
    if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      malformed(400, "a chunk-size line of its body is not a hexadecimal size: \"" + text + "\"");
      return;
    }
    size = Long.parseLong(digits, 16);
    if (size == 0) {
      trailersStart = position + 1;
      lineStart = trailersStart;
      state = State.TRAILERS;
      return;
    }
    if (chunkCount * 2 == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    chunks[chunkCount * 2] = position + 1;
    chunks[chunkCount * 2 + 1] = position + 1 + size;
    chunkCount++;
    remaining = size;
    state = State.CHUNK_DATA;
  }

  private void trailersComplete() throws IOException {
    long end = position + 1;
    List<Map.Entry<String, String>> trailers;
    try {
      trailers = parseFields(lines(source.slice(trailersStart, end)), 0);
    } catch (Malformed e) {
      malformed(e.status, "its trailer section is malformed: " + e.getMessage());
      return;
    }
    Bytes body = Bytes.empty();
    if (chunkCount > 0) {
      Bytes all = source.slice(chunks[0], chunks[chunkCount * 2 - 1]);
      Bytes[] pieces = new Bytes[chunkCount];
      for (int i = 0; i < chunkCount; i++) {
        pieces[i] = all.slice(chunks[i * 2] - chunks[0], chunks[i * 2 + 1] - chunks[0]);
      }
      body = Bytes.concat(pieces);
    }
    chunks = new long[8];
    completeWith(body, trailers, end);
  }

  private void complete(Bytes body, long end) throws IOException {
    completeWith(body, List.of(), end);
  }

  private void completeWith(Bytes body, List<Map.Entry<String, String>> trailers, long end) throws IOException {
    HttpRequest request =
        new HttpRequest(fake, connection, requests++, head, trailers, body, source.slice(messageStart, end));
    head = null;
    state = State.START;
    listener.request(request);
  }

  private void malformed(int status, String reason) throws IOException {
    state = State.STOPPED;
    long end = Math.min(position + 1, messageStart + 200);
    listener.malformed(status, reason, source.slice(messageStart, Math.max(messageStart, end)));
  }

  // ---- the head ----

  /** Parses a head (request line, header lines, the empty line). */
  static Head parseHead(Bytes bytes) throws Malformed {
    List<String> lines = lines(bytes);
    String requestLine = lines.get(0);
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3) {
      throw new Malformed(400, "its request line is not \"METHOD target HTTP/1.1\" with single spaces: \""
          + requestLine + "\"");
    }
    String method = parts[0];
    String target = parts[1];
    String version = parts[2];
    if (!HttpSyntax.isToken(method)) {
      throw new Malformed(400, "its method is not a token: \"" + method + "\"");
    }
    if (target.isEmpty() || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new Malformed(400, "its request target is empty or holds other than visible ASCII: \"" + target + "\"");
    }
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw version.matches("HTTP/\\d(\\.\\d)?")
          ? new Malformed(505, "its version is " + version + "; the responder speaks HTTP/1.1 and HTTP/1.0")
          : new Malformed(400, "its request line does not end with an HTTP version: \"" + requestLine + "\"");
    }
    return new Head(method, target, version, parseFields(lines, 1));
  }

  /** The lines of a head or trailer section, CR before LF stripped, without the final empty line. */
  private static List<String> lines(Bytes bytes) throws Malformed {
    // ISO-8859-1 maps each byte to one char, so the grammar checks see the bytes as they are.
    String text = bytes.text(StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int lf = text.indexOf('\n', start);
      int end = lf > start && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;
      String line = text.substring(start, end);
      int cr = line.indexOf('\r');
      if (cr >= 0) {
        throw new Malformed(400, "a line holds a CR that does not end it: \"" + line + "\"");
      }
      lines.add(line);
      start = lf + 1;
    }
    return lines.subList(0, lines.size() - 1);
  }

  /** Header (or trailer) fields from {@code lines}, starting at {@code from}. */
  private static List<Map.Entry<String, String>> parseFields(List<String> lines, int from) throws Malformed {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (String line : lines.subList(from, lines.size())) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        throw new Malformed(400, "a header line starts with white space (obsolete line folding): \"" + line + "\"");
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new Malformed(400, "a header line has no colon: \"" + line + "\"");
      }
      String name = line.substring(0, colon);
      if (!HttpSyntax.isToken(name)) {
        throw new Malformed(400, "a header name is not a token (no white space before the colon): \"" + line + "\"");
      }
      String value = line.substring(colon + 1).strip();
      int bad = HttpSyntax.invalidValueCharacter(value);
      if (bad >= 0) {
        throw new Malformed(400, "the value of the header " + name + " holds "
            + HttpSyntax.describeControl(value.charAt(bad)));
      }
      // Values travel as bytes; UTF-8 is what programs put there today, ASCII decodes the same.
      fields.add(Map.entry(name, new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
    }
    return List.copyOf(fields);
  }

  // ---- framing (RFC 9112 6.3) ----

  private static boolean isChunked(Head head) throws Malformed {
    List<String> codings = new ArrayList<>();
    for (Map.Entry<String, String> header : head.headers()) {
      if (header.getKey().equalsIgnoreCase("Transfer-Encoding")) {
        for (String coding : header.getValue().split(",")) {
          codings.add(coding.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    if (codings.isEmpty()) {
      return false;
    }
    if (head.version().equals("HTTP/1.0")) {
      throw new Malformed(400, "an HTTP/1.0 request has a Transfer-Encoding header (RFC 9112 6.1)");
    }
    if (head.header("Content-Length") != null) {
      throw new Malformed(400, "it has both Transfer-Encoding and Content-Length (RFC 9112 6.1)");
    }
    if (!codings.get(codings.size() - 1).equals("chunked")) {
      throw new Malformed(400, "its Transfer-Encoding " + codings + " does not end with chunked, so its body"
          + " has no length (RFC 9112 6.3)");
    }
    if (codings.size() > 1) {
      throw new Malformed(501, "its Transfer-Encoding " + codings + " has codings other than chunked, which the"
          + " responder does not decode");
    }
    return true;
  }

  private static long contentLength(Head head) throws Malformed {
    String length = null;
    for (Map.Entry<String, String> header : head.headers()) {
      if (!header.getKey().equalsIgnoreCase("Content-Length")) {
        continue;
      }
      for (String value : header.getValue().split(",", -1)) {
        String candidate = value.strip();
        if (candidate.isEmpty() || candidate.length() > 18 || !candidate.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new Malformed(400, "its Content-Length is not a number of bytes: \"" + header.getValue() + "\"");
        }
        if (length != null && Long.parseLong(length) != Long.parseLong(candidate)) {
          throw new Malformed(400, "it has Content-Length values that differ: " + length + " and " + candidate);
        }
        length = candidate;
      }
    }
    return length == null ? 0 : Long.parseLong(length);
  }

  /** Input that is not a request the parser can frame; {@code status} is what a server answers. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Malformed(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
