package dev.sockpuppet;

import dev.sockpuppet.http.HttpRequest;
import dev.sockpuppet.internal.HexDump;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on one recorded {@link HttpRequest}; start with {@link
 * SocketAssertions#assertThat(HttpRequest)}.
 *
 * <pre>{@code
 * HttpRequest create = HttpRequest.await(docker, "POST", "/v1.43/containers/create");
 * assertThat(create)
 *     .hasQueryParameter("name", "web")
 *     .hasHeader("Content-Type", "application/json")
 *     .hasBodyContaining("\"Image\":\"nginx\"");
 * }</pre>
 *
 * <p>A failure is an opentest4j {@link AssertionFailedError} whose message names the fake, the
 * connection, the request's index on it and the part that differed, with expected and actual set
 * so an IDE shows the difference. Requests are values: to wait for one, use {@link
 * HttpRequest#await(Fake, String, String)}.
 */
public final class HttpRequestAssert {
  /** Bodies up to this size go whole into an IDE's diff. */
  private static final long WHOLE_BODY = 4096;

  private final HttpRequest request;

  HttpRequestAssert(HttpRequest request) {
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The method is {@code method} (methods are case-sensitive). */
  public HttpRequestAssert hasMethod(String method) {
    Objects.requireNonNull(method, "method");
    return equal("method", method, request.method());
  }

  /** The request target, path and query as sent, is {@code target}. */
  public HttpRequestAssert hasTarget(String target) {
    Objects.requireNonNull(target, "target");
    return equal("target", target, request.target());
  }

  /** The path, without the query and not decoded, is {@code path}. */
  public HttpRequestAssert hasPath(String path) {
    Objects.requireNonNull(path, "path");
    return equal("path", path, request.path());
  }

  /** The query parameter {@code name} has {@code value} (decoded) among its values. */
  public HttpRequestAssert hasQueryParameter(String name, String value) {
    Objects.requireNonNull(value, "value");
    List<String> values = request.queryParameters().get(Objects.requireNonNull(name, "name"));
    if (values == null) {
      throw fail("has no query parameter \"" + name + "\"; its query is \"" + request.query() + "\"", value, null);
    }
    if (!values.contains(value)) {
      throw fail("has the query parameter \"" + name + "\" = " + values + ", not \"" + value + "\"", value,
          String.join(", ", values));
    }
    return this;
  }

  /** A header named {@code name} (case-insensitively) is present, with any value. */
  public HttpRequestAssert hasHeader(String name) {
    Objects.requireNonNull(name, "name");
    if (request.header(name).isEmpty()) {
      throw fail("has no header \"" + name + "\"; its headers are " + headers(), null, null);
    }
    return this;
  }

  /**
   * A header named {@code name} (case-insensitively) has exactly the value {@code value}; when the
   * header is repeated, one of its lines is enough.
   */
  public HttpRequestAssert hasHeader(String name, String value) {
    Objects.requireNonNull(value, "value");
    hasHeader(name);
    List<String> values = request.headerValues(name);
    if (!values.contains(value)) {
      throw fail("has the header \"" + name + "\" = " + quoted(values) + ", not \"" + value + "\"", value,
          String.join("\n", values));
    }
    return this;
  }

  /** No header named {@code name} (case-insensitively). */
  public HttpRequestAssert hasNoHeader(String name) {
    Objects.requireNonNull(name, "name");
    List<String> values = request.headerValues(name);
    if (!values.isEmpty()) {
      throw fail("has the header \"" + name + "\" = " + quoted(values) + ", which was expected to be absent", null,
          null);
    }
    return this;
  }

  /** The (de-chunked) body is exactly {@code expected}. */
  public HttpRequestAssert hasBody(Bytes expected) {
    Objects.requireNonNull(expected, "expected");
    Bytes body = request.body();
    long at = expected.mismatch(body);
    if (at >= 0) {
      boolean text = HexDump.readsAsText(expected, at) && HexDump.readsAsText(body, at);
      // Small text bodies go to the IDE whole; larger ones as the window around the difference.
      boolean whole = text && expected.size() <= WHOLE_BODY && body.size() <= WHOLE_BODY;
      throw fail(
          "has a body that differs from the expected at offset " + at + " (expected " + HexDump.count(expected.size())
              + ", it has " + body.size() + ")\n" + HexDump.difference("expected", expected, "body", body, at),
          whole ? expected.text() : HexDump.forDiff(expected, at, text), whole ? body.text() : HexDump.forDiff(body, at, text));
    }
    return this;
  }

  /** The (de-chunked) body is exactly the UTF-8 encoding of {@code expected}. */
  public HttpRequestAssert hasBody(String expected) {
    Objects.requireNonNull(expected, "expected");
    return hasBody(Bytes.of(expected));
  }

  /** The (de-chunked) body contains the UTF-8 encoding of {@code expected}. */
  public HttpRequestAssert hasBodyContaining(String expected) {
    Objects.requireNonNull(expected, "expected");
    if (!request.body().contains(expected)) {
      throw fail("has a body without " + HexDump.quoted(Bytes.of(expected)) + "; its body is "
          + HexDump.describe(request.body()), expected, HexDump.describe(request.body()));
    }
    return this;
  }

  private HttpRequestAssert equal(String part, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw fail("has the " + part + " \"" + actual + "\", expected \"" + expected + "\"", expected, actual);
    }
    return this;
  }

  private String headers() {
    List<Map.Entry<String, String>> headers = request.headers();
    return headers.isEmpty() ? "none" : headers.stream().map(h -> h.getKey() + ": " + h.getValue()).toList().toString();
  }

  private static String quoted(List<String> values) {
    return values.size() == 1 ? "\"" + values.get(0) + "\"" : values.toString();
  }

  /** E.g. {@code TcpServer 'api' connection #0 request #1 (GET /v1.43/version HTTP/1.1) has …}. */
  private AssertionFailedError fail(String what, Object expected, Object actual) {
    String message =
        request.fake() + " connection #" + request.connectionIndex() + " request #" + request.index() + " ("
            + request.method() + " " + request.target() + " " + request.version() + ") " + what;
    return expected == null && actual == null
        ? new AssertionFailedError(message)
        : new AssertionFailedError(message, expected, actual);
  }
}
