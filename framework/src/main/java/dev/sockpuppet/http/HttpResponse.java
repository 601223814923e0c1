package dev.sockpuppet.http;

import dev.sockpuppet.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A response an {@link HttpResponder} sends: status, headers and body. The responder frames it:
 * it computes {@code Content-Length}, or encodes the body {@linkplain #chunked() chunked}, and adds
 * {@code Connection: close} when the connection ends after it.
 *
 * <pre>{@code
 * HttpResponse.json("{\"Version\":\"27.0.0\"}");
 * HttpResponse.status(201).withJsonBody("{\"Id\":\"abc\"}").withHeader("Location", "/containers/abc");
 * HttpResponse.ok("line 1\nline 2\n").chunked(4);
 * HttpResponse.noContent();
 * }</pre>
 *
 * <p><b>What is sent.</b> {@code HTTP/1.1}, the status code and its reason phrase; the headers in the
 * order they were added; then {@code Content-Length} or {@code Transfer-Encoding: chunked}, and
 * {@code Connection} when needed. No {@code Date} header unless you add one, so the bytes a fake
 * sends are the same in every run. Responses to {@code HEAD} carry the headers of the body without
 * the body; 1xx, 204 and 304 responses have no body at all. A request from an HTTP/1.0 client gets
 * {@code Content-Length} even when the response says chunked, since HTTP/1.0 has no chunked coding.
 *
 * <p>An immutable value: each {@code with…} method returns a new one; one value can answer any number
 * of requests, on any number of fakes.
 */
public final class HttpResponse {
  /** The chunk size of {@link #chunked()}. */
  public static final int DEFAULT_CHUNK_SIZE = 8 * 1024;

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  private static final String OCTETS = "application/octet-stream";

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final Bytes body;
  /** 0 sends a Content-Length; more sends the body chunked in pieces of that size. */
  private final int chunkSize;

  private HttpResponse(int status, List<Map.Entry<String, String>> headers, Bytes body, int chunkSize) {
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
    this.chunkSize = chunkSize;
  }

  /**
   * A response with {@code status} and no body yet.
   *
   * @throws IllegalArgumentException unless {@code status} is 101 or from 200 to 599: the responder
   *     sends {@code 100 Continue} itself, and other interim responses would leave the client waiting
   */
  public static HttpResponse status(int status) {
    if (status == 100) {
      throw new IllegalArgumentException("status 100 (Continue) is sent by the responder itself when a request"
          + " expects it; answer with a final status from 200 to 599 (or 101 to switch protocols)");
    }
    if (status != 101 && (status < 200 || status > 599)) {
      throw new IllegalArgumentException("an HTTP status must be a final status from 200 to 599 (or 101 to switch"
          + " protocols), got " + status);
    }
    return new HttpResponse(status, List.of(), Bytes.empty(), 0);
  }

  /** 200 with {@code text} as its body, {@code text/plain; charset=utf-8}. */
  public static HttpResponse ok(String text) {
    return status(200).withBody(text);
  }

  /** 200 with {@code json} as its body, {@code application/json}; the JSON is sent as given, not checked. */
  public static HttpResponse json(String json) {
    return status(200).withJsonBody(json);
  }

  /** 204 No Content: no body. */
  public static HttpResponse noContent() {
    return status(204);
  }

  /**
   * This response with one more header line; a name may be given more than once and each line is
   * sent. {@code Content-Type} replaces the content type instead.
   *
   * @throws IllegalArgumentException if the name is not a token (letters, digits, {@code
   *     !#$%&'*+-.^_`|~}), the value holds CR, LF or another control character (it would end the
   *     header and let the value forge others), or the header is {@code Content-Length} or {@code
   *     Transfer-Encoding}, which the responder computes from the body
   */
  public HttpResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (!HttpSyntax.isToken(name)) {
      throw new IllegalArgumentException("\"" + name + "\" is not a valid header name: a name is a token of"
          + " letters, digits and !#$%&'*+-.^_`|~, without spaces or a colon");
    }
    int bad = HttpSyntax.invalidValueCharacter(value);
    if (bad >= 0) {
      throw new IllegalArgumentException("the value of the header " + name + " holds "
          + HttpSyntax.describeControl(value.charAt(bad)) + " at index " + bad
          + "; header values cannot hold CR, LF or other control characters");
    }
    if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
      throw new IllegalArgumentException(name + " is computed by the responder from the body; set the body with"
          + " withBody(…) and choose chunked() for Transfer-Encoding: chunked");
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    if (name.equalsIgnoreCase("Content-Type")) {
      more.removeIf(header -> header.getKey().equalsIgnoreCase("Content-Type"));
    }
    more.add(Map.entry(name, value));
    return new HttpResponse(status, more, body, chunkSize);
  }

  /**
   * This response with the UTF-8 encoding of {@code text} as its body; its content type is {@code
   * text/plain; charset=utf-8} unless one was set.
   *
   * @throws IllegalArgumentException if the status has no body (1xx, 204, 304)
   */
  public HttpResponse withBody(String text) {
    Objects.requireNonNull(text, "text");
    return withBody(Bytes.of(text), TEXT);
  }

  /**
   * This response with {@code bytes} as its body; its content type is {@code
   * application/octet-stream} unless one was set.
   *
   * @throws IllegalArgumentException if the status has no body (1xx, 204, 304)
   */
  public HttpResponse withBody(Bytes bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return withBody(bytes, OCTETS);
  }

  /**
   * This response with the UTF-8 encoding of {@code json} as its body and {@code application/json}
   * as its content type; the JSON is sent as given, not checked.
   *
   * @throws IllegalArgumentException if the status has no body (1xx, 204, 304)
   */
  public HttpResponse withJsonBody(String json) {
    Objects.requireNonNull(json, "json");
    return withBody(Bytes.of(json), null).withHeader("Content-Type", JSON);
  }

  /** This response with its body sent chunked ({@code Transfer-Encoding: chunked}) in pieces of 8 KiB. */
  public HttpResponse chunked() {
    return chunked(DEFAULT_CHUNK_SIZE);
  }

  /**
   * This response with its body sent chunked, in pieces of {@code chunkSize} bytes (the last may be
   * shorter). An empty body is sent as the last chunk alone.
   *
   * @throws IllegalArgumentException unless {@code chunkSize} is positive, or if the status has no body
   */
  public HttpResponse chunked(int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("the chunk size must be at least 1 byte, got " + chunkSize);
    }
    requireBodyAllowed("be chunked");
    return new HttpResponse(status, headers, body, chunkSize);
  }

  /** The status code. */
  public int status() {
    return status;
  }

  /** The body; empty if there is none. */
  public Bytes body() {
    return body;
  }

  /** E.g. {@code 200 OK [Content-Type: application/json] 17 bytes}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder().append(status);
    String reason = HttpSyntax.reasonPhrase(status);
    if (!reason.isEmpty()) {
      out.append(' ').append(reason);
    }
    if (!headers.isEmpty()) {
      out.append(' ').append(headers.stream().map(h -> h.getKey() + ": " + h.getValue()).toList());
    }
    out.append(' ').append(body.size()).append(body.size() == 1 ? " byte" : " bytes");
    return chunkSize > 0 ? out.append(" chunked by ").append(chunkSize).toString() : out.toString();
  }

  // ---- for the responder ----

  /** Whether a header of this response says {@code Connection: close}. */
  boolean closesConnection() {
    return headers.stream().anyMatch(
        header -> header.getKey().equalsIgnoreCase("Connection") && HttpSyntax.listsToken(header.getValue(), "close"));
  }

  /**
   * The bytes to send.
   *
   * @param toHead whether the request was {@code HEAD}: the headers of the body, not the body
   * @param http10 whether the client speaks HTTP/1.0, which has no chunked coding
   * @param connection the {@code Connection} header to add ({@code close}, {@code keep-alive}), or null
   */
  Bytes encode(boolean toHead, boolean http10, String connection) {
    StringBuilder head = new StringBuilder(128)
        .append("HTTP/1.1 ").append(status).append(' ').append(HttpSyntax.reasonPhrase(status)).append("\r\n");
    for (Map.Entry<String, String> header : headers) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    boolean hasBody = hasBody(status);
    boolean chunkedNow = hasBody && chunkSize > 0 && !http10;
    if (chunkedNow) {
      head.append("Transfer-Encoding: chunked\r\n");
    } else if (hasBody) {
      head.append("Content-Length: ").append(body.size()).append("\r\n");
    }
    if (connection != null) {
      head.append("Connection: ").append(connection).append("\r\n");
    }
    head.append("\r\n");
    Bytes start = Bytes.of(head.toString());
    if (!hasBody || toHead) {
      return start;
    }
    if (!chunkedNow) {
      return Bytes.concat(start, body);
    }
    List<Bytes> parts = new ArrayList<>();
    parts.add(start);
    for (long at = 0; at < body.size(); at += chunkSize) {
      Bytes piece = body.slice(at, Math.min(body.size(), at + chunkSize));
      parts.add(Bytes.of(Long.toHexString(piece.size()) + "\r\n"));
      parts.add(piece);
      parts.add(Bytes.of("\r\n"));
    }
    parts.add(Bytes.of("0\r\n\r\n"));
    return Bytes.concat(parts.toArray(new Bytes[0]));
  }

  private HttpResponse withBody(Bytes bytes, String defaultType) {
    requireBodyAllowed("have a body");
    HttpResponse withBody = new HttpResponse(status, headers, bytes, chunkSize);
    boolean typed = headers.stream().anyMatch(header -> header.getKey().equalsIgnoreCase("Content-Type"));
    return typed || defaultType == null ? withBody : withBody.withHeader("Content-Type", defaultType);
  }

  private void requireBodyAllowed(String what) {
    if (!hasBody(status)) {
      throw new IllegalArgumentException("a " + status + " response cannot " + what + ": responses with status 1xx,"
          + " 204 (No Content) and 304 (Not Modified) have no body");
    }
  }

  private static boolean hasBody(int status) {
    return status >= 200 && status != 204 && status != 304;
  }
}
