package dev.sockpuppet.http;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.internal.Access;
import dev.sockpuppet.internal.HexDump;
import dev.sockpuppet.internal.engine.ConnectionIo;
import dev.sockpuppet.internal.engine.Reaction;
import dev.sockpuppet.internal.recording.ConnectionRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An HTTP/1.1 server for a stream fake: routes from method and path to a {@link HttpResponse}. Any
 * fake that takes a {@link Responder} serves it, over TCP or a Unix socket ({@code docker.sock}).
 *
 * <pre>{@code
 * HttpResponder docker = HttpResponder.create()
 *     .on("GET", "/v1.43/version", HttpResponse.json("{\"Version\":\"27.0.0\",\"ApiVersion\":\"1.43\"}"))
 *     .onMatching("GET", "/v1\\.\\d+/containers/\\w+/json", HttpResponse.json("{\"State\":{\"Running\":true}}"))
 *     .on("POST", "/v1.43/containers/create",
 *         request -> HttpResponse.status(201).withJsonBody("{\"Id\":\"" + request.body().size() + "\"}"));
 * UnixSocketServer daemon = UnixSocketServer.create().withResponder(docker.responder()).start();
 * }</pre>
 *
 * <p><b>Routes</b> are tried in the order they were added and the first that matches answers; a
 * path is matched without the query, and a {@code HEAD} request that no route takes is answered by
 * the {@code GET} route for its path, without the body. A request no route matches gets {@code 404 Not Found} and is
 * reported by the fake's {@code verify()} and {@code close()}, naming the request, so an unexpected
 * call fails the test like an unmet mock expectation; {@link #otherwise(HttpResponse)} answers such
 * requests instead. A route function runs on the connection's reading thread; if it throws (an
 * {@link AssertionError} too), that is reported by the fake and the connection is reset.
 *
 * <p><b>HTTP/1.1 as a server speaks it.</b> Requests may arrive a byte at a time or several at once
 * (pipelined); they are answered in order. Request bodies are framed by {@code Content-Length} or by
 * the chunked transfer coding (trailers included). {@code Expect: 100-continue} is answered with
 * {@code 100 Continue} before the body. Connections stay open between requests (keep-alive), except
 * after a request with {@code Connection: close}, a request from an HTTP/1.0 client without {@code
 * Connection: keep-alive}, or a response with {@code Connection: close}: then the fake shuts down its
 * output after the response and keeps reading until the program closes, so no request byte is lost
 * and the program sees no reset. After a {@code 101} response the fake answers nothing more on that
 * connection (another protocol follows) and only records.
 *
 * <p><b>Bad input.</b> A malformed request gets {@code 400 Bad Request} (a head longer than {@link
 * #withMaxHeadSize(int) the bound}: {@code 431}; a version other than 1.0 and 1.1: {@code 505}; a
 * transfer coding other than chunked: {@code 501}; an {@code Expect} other than {@code 100-continue}:
 * {@code 417}), the connection is closed after it, and the fake reports a problem naming the request
 * and what was wrong. So does an HTTP/1.1 request without exactly one {@code Host} header (RFC 9112
 * 3.2). The responder holds no request in a buffer of its own: heads, bodies and trailers are read
 * back from the recording, which keeps every byte (and spills to disk past its memory limit).
 *
 * <p>Immutable: each method returns a new value; one value can serve any number of fakes. What was
 * received is best checked on the recording, with {@link HttpRequest#allOf(dev.sockpuppet.Traffic)}
 * and {@code SocketAssertions.assertThat(HttpRequest)}.
 */
public final class HttpResponder {
  /** The longest request head (request line and headers) read unless {@link #withMaxHeadSize(int)} says otherwise: 64 KiB. */
  public static final int DEFAULT_MAX_HEAD_SIZE = 64 * 1024;

  private static final Bytes CONTINUE = Bytes.of("HTTP/1.1 100 Continue\r\n\r\n");

  private final List<Route> routes;
  private final Route otherwise;
  private final int maxHeadSize;

  private HttpResponder(List<Route> routes, Route otherwise, int maxHeadSize) {
    this.routes = List.copyOf(routes);
    this.otherwise = otherwise;
    this.maxHeadSize = maxHeadSize;
  }

  /** No routes yet: every request would get 404 and be reported. */
  public static HttpResponder create() {
    return new HttpResponder(List.of(), null, DEFAULT_MAX_HEAD_SIZE);
  }

  /**
   * Answers requests with this method and exactly this path (without the query) with {@code
   * response}.
   *
   * @throws IllegalArgumentException if the method is not a token or the path holds a {@code ?}
   */
  public HttpResponder on(String method, String path, HttpResponse response) {
    Objects.requireNonNull(response, "response");
    return on(method, path, request -> response);
  }

  /**
   * Answers requests with this method and exactly this path (without the query) with what {@code
   * answer} makes of the request (its headers, query and body are all there).
   *
   * @throws IllegalArgumentException if the method is not a token or the path holds a {@code ?}
   */
  public HttpResponder on(String method, String path, Function<HttpRequest, HttpResponse> answer) {
    Objects.requireNonNull(path, "path");
    if (path.indexOf('?') >= 0) {
      throw new IllegalArgumentException("routes match the path without the query, so \"" + path + "\" never"
          + " matches; route on the path and read request.queryParameter(…) in a route function");
    }
    String checked = checkedMethod(method);
    return add(checked + " " + path, checked, path::equals, answer);
  }

  /**
   * Answers requests with this method whose whole path (without the query) matches {@code pathRegex}
   * with {@code response}.
   *
   * @throws IllegalArgumentException if the method is not a token or the regular expression is invalid
   */
  public HttpResponder onMatching(String method, String pathRegex, HttpResponse response) {
    Objects.requireNonNull(response, "response");
    return onMatching(method, pathRegex, request -> response);
  }

  /**
   * Answers requests with this method whose whole path (without the query) matches {@code pathRegex}
   * with what {@code answer} makes of the request.
   *
   * @throws IllegalArgumentException if the method is not a token or the regular expression is invalid
   */
  public HttpResponder onMatching(String method, String pathRegex, Function<HttpRequest, HttpResponse> answer) {
    Objects.requireNonNull(pathRegex, "pathRegex");
    Pattern pattern;
    try {
      pattern = Pattern.compile(pathRegex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a valid regular expression for a path: " + e.getMessage(), e);
    }
    String checked = checkedMethod(method);
    return add(checked + " " + pathRegex + " (regular expression)", checked, path -> pattern.matcher(path).matches(),
        answer);
  }

  /** Answers every request no route matches with {@code response}, instead of 404 and a problem. */
  public HttpResponder otherwise(HttpResponse response) {
    Objects.requireNonNull(response, "response");
    return otherwise(request -> response);
  }

  /** Answers every request no route matches with what {@code answer} makes of it, instead of 404 and a problem. */
  public HttpResponder otherwise(Function<HttpRequest, HttpResponse> answer) {
    Objects.requireNonNull(answer, "answer");
    return new HttpResponder(routes, new Route("otherwise", null, path -> true, answer), maxHeadSize);
  }

  /**
   * Reads request heads (and trailer sections) of up to {@code bytes} bytes; a longer one is answered
   * {@code 431} and reported.
   *
   * @throws IllegalArgumentException unless {@code bytes} is at least 64
   */
  public HttpResponder withMaxHeadSize(int bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("the longest request head must be at least 64 bytes, got " + bytes);
    }
    return new HttpResponder(routes, otherwise, bytes);
  }

  /** The {@link Responder} to give a fake: {@code TcpServer.create().withResponder(http.responder())}. */
  public Responder responder() {
    return Access.responders().responder("HTTP " + this, index -> new Exchange());
  }

  /** The routes in order, e.g. {@code [GET /v1.43/version, GET /v1\.\d+/info (regular expression), otherwise]}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    routes.forEach(route -> parts.add(route.description));
    if (otherwise != null) {
      parts.add(otherwise.description);
    }
    return parts.toString();
  }

  private HttpResponder add(
      String description, String method, Predicate<String> path, Function<HttpRequest, HttpResponse> answer) {
    Objects.requireNonNull(answer, "answer");
    List<Route> more = new ArrayList<>(routes);
    more.add(new Route(description, method, path, answer));
    return new HttpResponder(more, otherwise, maxHeadSize);
  }

  private static String checkedMethod(String method) {
    Objects.requireNonNull(method, "method");
    if (!HttpSyntax.isToken(method)) {
      throw new IllegalArgumentException("\"" + method + "\" is not an HTTP method: a method is a token such as GET or"
          + " POST, without spaces");
    }
    return method;
  }

  private static final class Route {
    final String description;
    /** Null matches every method. */
    final String method;
    final Predicate<String> path;
    final Function<HttpRequest, HttpResponse> answer;

    Route(String description, String method, Predicate<String> path, Function<HttpRequest, HttpResponse> answer) {
      this.description = description;
      this.method = method;
      this.path = path;
      this.answer = answer;
    }

    boolean matches(HttpRequest request, String asMethod) {
      return (method == null || method.equals(asMethod)) && path.test(request.path());
    }

    HttpResponse answer(HttpRequest request) {
      HttpResponse response = answer.apply(request);
      if (response == null) {
        throw new IllegalStateException("the route " + description + " answered " + request + " with null");
      }
      return response;
    }
  }

  /** One connection: its parser, and the answers it writes. */
  private final class Exchange implements Reaction, RequestParser.Listener {
    private ConnectionIo io;
    private RequestParser parser;
    /** The fake answers nothing more on this connection; what still arrives is only recorded. */
    private boolean done;
    private int requests;

    @Override
    public void opened(ConnectionIo connection) {
      io = connection;
      ConnectionRecord record = connection.record();
      // The parser reads heads and bodies back from the recording, which has every byte already.
      parser =
          new RequestParser(
              record.fake(), record.index(), (from, to) -> record.receivedFrom(from).first(to - from), maxHeadSize,
              this);
    }

    @Override
    public void received(ConnectionIo connection, Bytes chunk) throws IOException {
      if (!done) {
        parser.feed(chunk);
      }
    }

    @Override
    public void peerHalfClosed(ConnectionIo connection) {
      if (!done && parser.inRequest()) {
        connection.reportProblem(
            connection.record() + " ended its output in the middle of request #" + requests
                + ", which was not answered");
      }
      connection.close();
    }

    @Override
    public void head(RequestParser.Head head) throws IOException {
      if (!head.version().equals("HTTP/1.1")) {
        return; // HTTP/1.0 has neither Host as a must nor Expect (RFC 9110 10.1.1: ignore it)
      }
      int hosts = head.count("Host");
      if (hosts != 1) {
        reject(400, "an HTTP/1.1 request needs exactly one Host header (RFC 9112 3.2), this one has " + hosts,
            head.method() + " " + head.target());
        return;
      }
      String expect = head.header("Expect");
      if (expect == null) {
        return;
      }
      if (expect.equalsIgnoreCase("100-continue")) {
        io.write(CONTINUE);
      } else {
        reject(417, "its Expect header is \"" + expect + "\"; only 100-continue is known",
            head.method() + " " + head.target());
      }
    }

    @Override
    public void request(HttpRequest request) throws IOException {
      requests++;
      HttpResponse response = answer(request);
      boolean http10 = request.version().equals("HTTP/1.0");
      boolean close = clientCloses(request) || response.closesConnection();
      String connectionHeader = close ? (response.closesConnection() ? null : "close") : (http10 ? "keep-alive" : null);
      io.write(response.encode(request.method().equals("HEAD"), http10, connectionHeader));
      if (response.status() == 101) {
        stop(); // another protocol follows; the fake only records it
      } else if (close) {
        stop();
        io.shutdownOutput();
      }
    }

    @Override
    public void malformed(int status, String reason, Bytes start) throws IOException {
      reject(status, reason, HexDump.quoted(start));
    }

    private HttpResponse answer(HttpRequest request) {
      for (Route route : routes) {
        if (route.matches(request, request.method())) {
          return route.answer(request);
        }
      }
      if (request.method().equals("HEAD")) {
        // HEAD is GET without the body (RFC 9110 9.3.2), so GET routes answer it; the body is left out.
        for (Route route : routes) {
          if (route.matches(request, "GET")) {
            return route.answer(request);
          }
        }
      }
      if (otherwise != null) {
        return otherwise.answer(request);
      }
      io.reportProblem(
          io.record() + " received a request no route matches: " + request.method() + " " + request.target()
              + " (request #" + request.index() + "); it was answered 404. The routes are " + HttpResponder.this);
      return HttpResponse.status(404).withBody("no route for " + request.method() + " " + request.path() + "\n");
    }

    /** Answers {@code status}, closes the fake's output and reports the request. */
    private void reject(int status, String reason, String request) throws IOException {
      stop();
      io.reportProblem(
          io.record() + ": request #" + requests + " is malformed, " + reason + "; it was answered " + status + " "
              + HttpSyntax.reasonPhrase(status) + " and the connection closed. The request: " + request);
      io.write(HttpResponse.status(status).withBody(reason + "\n").encode(false, false, "close"));
      io.shutdownOutput();
    }

    private void stop() {
      done = true;
      parser.stop();
    }

    /** Whether the client asked for the connection to end after this response (RFC 9112 9.3). */
    private boolean clientCloses(HttpRequest request) {
      List<String> connection = request.headerValues("Connection");
      if (connection.stream().anyMatch(value -> HttpSyntax.listsToken(value, "close"))) {
        return true;
      }
      return request.version().equals("HTTP/1.0")
          && connection.stream().noneMatch(value -> HttpSyntax.listsToken(value, "keep-alive"));
    }
  }
}
