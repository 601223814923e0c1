package dev.sockpuppet.http;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.Connection;
import dev.sockpuppet.Fake;
import dev.sockpuppet.Traffic;
import dev.sockpuppet.internal.Awaits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One HTTP/1.x request as a fake received it, parsed from the recording: what the program sent,
 * whatever the fake answered (or whether it answered at all).
 *
 * <pre>{@code
 * HttpRequest request = HttpRequest.await(docker, "POST", "/v1.43/containers/create");
 * assertThat(request).hasHeader("Content-Type", "application/json").hasBodyContaining("\"Image\"");
 * List<HttpRequest> all = HttpRequest.allOf(docker.traffic());
 * }</pre>
 *
 * <p><b>The recording is the truth.</b> {@link #allOf(Connection)} parses what a connection
 * received, so it works on any stream fake, whether it answered with an {@link HttpResponder}, a
 * fixed reply or nothing. It returns the complete requests in the order they arrived and stops at
 * the first one that is incomplete (still arriving) or malformed. The body is de-chunked and never
 * copied: it is a slice of the recording, so it stays readable as long as the recording does.
 *
 * <p>Header names are matched case-insensitively; repeated headers keep their order. Header values
 * are decoded as UTF-8 (ASCII, which nearly all are, decodes the same). The path and the query are
 * kept as the program sent them; {@link #queryParameter(String)} decodes.
 *
 * <p>An immutable value, safe to share between threads.
 */
public final class HttpRequest {
  private final String fake;
  private final int connection;
  private final int index;
  private final String method;
  private final String target;
  private final String version;
  private final List<Map.Entry<String, String>> headers;
  private final List<Map.Entry<String, String>> trailers;
  private final Bytes body;
  private final Bytes raw;
  private final String path;
  private final String query;

  HttpRequest(
      String fake,
      int connection,
      int index,
      RequestParser.Head head,
      List<Map.Entry<String, String>> trailers,
      Bytes body,
      Bytes raw) {
    this.fake = fake;
    this.connection = connection;
    this.index = index;
    this.method = head.method();
    this.target = head.target();
    this.version = head.version();
    this.headers = head.headers();
    this.trailers = List.copyOf(trailers);
    this.body = body;
    this.raw = raw;
    String pathAndQuery = pathAndQuery(target);
    int question = pathAndQuery.indexOf('?');
    this.path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    this.query = question < 0 ? "" : pathAndQuery.substring(question + 1);
  }

  /**
   * The complete requests {@code connection} received, in order; see the class comment for where it
   * stops.
   */
  public static List<HttpRequest> allOf(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    Bytes received = connection.received();
    RequestParser.Collector found = new RequestParser.Collector();
    RequestParser parser =
        new RequestParser(connection.fake(), connection.index(), received::slice, Long.MAX_VALUE, found);
    try {
      // Fed in pieces, so a long body is counted past instead of copied.
      long piece = 64 * 1024;
      for (long at = 0; at < received.size(); at += piece) {
        parser.feed(received.slice(at, Math.min(received.size(), at + piece)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a collector throws nothing", e);
    }
    return Collections.unmodifiableList(found.requests);
  }

  /** The complete requests of every connection of {@code traffic}, connection after connection. */
  public static List<HttpRequest> allOf(Traffic traffic) {
    Objects.requireNonNull(traffic, "traffic");
    List<HttpRequest> requests = new ArrayList<>();
    for (Connection connection : traffic.connections()) {
      requests.addAll(allOf(connection));
    }
    return Collections.unmodifiableList(requests);
  }

  /**
   * Waits, up to the fake's timeout, until some connection of {@code fake} has received a complete
   * request with this method and path, and returns the first such request.
   *
   * @throws org.opentest4j.AssertionFailedError when none arrived in time, listing the requests that did
   */
  public static HttpRequest await(Fake fake, String method, String path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    return await(fake, method + " " + path,
        request -> request.method().equals(method) && request.path().equals(path));
  }

  /**
   * Waits, up to the fake's timeout, until some connection of {@code fake} has received a complete
   * request that {@code condition} accepts, and returns the first such request.
   *
   * @param description the condition in words, for the failure message
   * @throws org.opentest4j.AssertionFailedError when none arrived in time, listing the requests that did
   */
  public static HttpRequest await(Fake fake, String description, Predicate<HttpRequest> condition) {
    Objects.requireNonNull(fake, "fake");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(condition, "condition");
    Traffic traffic = fake.traffic();
    Optional<HttpRequest> found =
        Awaits.until(
            traffic.fake() + " to receive an HTTP request " + description,
            fake.timeout(),
            () -> allOf(fake.traffic()).stream().filter(condition).findFirst(),
            Optional::isPresent,
            () -> describe(allOf(fake.traffic())));
    return found.orElseThrow();
  }

  /** The fake that received this request, as messages name it, e.g. {@code TcpServer 'api'}. */
  public String fake() {
    return fake;
  }

  /** The index of the connection that received this request. */
  public int connectionIndex() {
    return connection;
  }

  /** The position of this request on its connection, starting at 0. */
  public int index() {
    return index;
  }

  /** The method as sent, e.g. {@code GET} (methods are case-sensitive). */
  public String method() {
    return method;
  }

  /** The request target as sent, e.g. {@code /v1.43/containers/json?all=1}. */
  public String target() {
    return target;
  }

  /**
   * The path of the target, without the query, not decoded: {@code /v1.43/containers/json}. For a
   * target in absolute form ({@code http://host/a}, as sent to proxies) the path after the
   * authority; {@code *} for {@code OPTIONS *}; the authority for {@code CONNECT}.
   */
  public String path() {
    return path;
  }

  /** The query of the target without the {@code ?}, not decoded; empty when there is none. */
  public String query() {
    return query;
  }

  /**
   * The first value of the query parameter {@code name}, decoded (percent escapes as UTF-8, and
   * {@code +} as a space, as HTML forms encode them); empty if the query does not have it.
   */
  public Optional<String> queryParameter(String name) {
    Objects.requireNonNull(name, "name");
    List<String> values = queryParameters().get(name);
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Every query parameter with its values, decoded, in the order they appear. */
  public Map<String, List<String>> queryParameters() {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = decode(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    parameters.replaceAll((name, values) -> List.copyOf(values));
    return Collections.unmodifiableMap(parameters);
  }

  /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
  public String version() {
    return version;
  }

  /** Every header line in the order it arrived, as name (as sent) and value (trimmed). */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The first value of the header {@code name}, matched case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headerValues(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The values of every header line named {@code name} (case-insensitively), in order. Values are
   * not split at commas.
   */
  public List<String> headerValues(String name) {
    return values(headers, name);
  }

  /** The trailer fields after a chunked body, in order; empty for other requests. */
  public List<Map.Entry<String, String>> trailers() {
    return trailers;
  }

  /** The body: de-chunked when it came chunked; empty when there was none. */
  public Bytes body() {
    return body;
  }

  /** The request exactly as it arrived: head, body as framed (chunked or not), trailers. */
  public Bytes raw() {
    return raw;
  }

  /** {@code GET /v1.43/version HTTP/1.1 (TcpServer 'api' connection #0, request #0)}. */
  @Override
  public String toString() {
    return method + " " + target + " " + version + " (" + fake + " connection #" + connection + ", request #"
        + index + ")";
  }

  private static List<String> values(List<Map.Entry<String, String>> fields, String name) {
    Objects.requireNonNull(name, "name");
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase(name)) {
        values.add(field.getValue());
      }
    }
    return List.copyOf(values);
  }

  private static String pathAndQuery(String target) {
    int scheme = target.indexOf("://");
    if (scheme > 0 && target.charAt(0) != '/') {
      int slash = target.indexOf('/', scheme + 3);
      int question = target.indexOf('?', scheme + 3);
      if (slash < 0 || (question >= 0 && question < slash)) {
        return question < 0 ? "/" : "/" + target.substring(question);
      }
      return target.substring(slash);
    }
    return target;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a stray % is kept as it was sent
    }
  }

  private static String describe(List<HttpRequest> requests) {
    if (requests.isEmpty()) {
      return "it received no complete HTTP request";
    }
    StringBuilder out = new StringBuilder("it received ").append(requests.size())
        .append(requests.size() == 1 ? " request:" : " requests:");
    for (HttpRequest request : requests) {
      out.append("\n  ").append(request);
    }
    return out.toString();
  }
}
