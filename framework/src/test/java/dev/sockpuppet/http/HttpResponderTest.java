package dev.sockpuppet.http;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Connection;
import dev.sockpuppet.Direction;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.opentest4j.AssertionFailedError;

/** The HTTP responder on real fakes over loopback, driven by a client that writes HTTP by hand. */
class HttpResponderTest {
  private static final HttpResponder ECHO =
      HttpResponder.create()
          .on("GET", "/hello", HttpResponse.ok("hello"))
          .on("POST", "/echo", request -> HttpResponse.ok(request.body().text()))
          .on("GET", "/empty", HttpResponse.noContent())
          .on("GET", "/chunked", HttpResponse.ok("abcdefghij").chunked(4));

  @Test
  void aRequestArrivingAByteAtATimeIsAnsweredOnce() throws Exception {
    String request = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello";
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      Connection connection = null;
      for (int i = 0; i < request.length(); i++) {
        client.send(request.substring(i, i + 1));
        // Waiting for each byte to be on record makes every byte its own chunk.
        connection = connection == null ? server.awaitConnection() : connection;
        connection.awaitReceived(request.substring(0, i + 1));
      }
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello",
          client.readResponse());
      assertEquals(request.length(), connection.chunks(Direction.RECEIVED).size());
      assertThat(connection).sentExactly(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello");
      server.verify();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
          + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
          + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthree");
      assertTrue(client.readResponse().endsWith("\r\n\r\none"));
      assertTrue(client.readResponse().endsWith("\r\n\r\nhello"));
      assertTrue(client.readResponse().endsWith("\r\n\r\nthree"));
      List<HttpRequest> requests = HttpRequest.allOf(server.traffic());
      assertEquals(List.of("/echo", "/hello", "/echo"), requests.stream().map(HttpRequest::path).toList());
      assertEquals(List.of(0, 1, 2), requests.stream().map(HttpRequest::index).toList());
      assertThat(server).hasConnectionCount(1);
      server.verify();
    }
  }

  @Test
  void aChunkedRequestBodyIsDecodedWithItsTrailers() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n");
      assertTrue(client.readResponse().endsWith("Content-Length: 11\r\n\r\nhello world"));
      HttpRequest request = HttpRequest.await(server, "POST", "/echo");
      assertThat(request).hasBody("hello world").hasHeader("transfer-encoding", "chunked");
      assertEquals("[X-Checksum=abc]", request.trailers().toString());
      assertTrue(request.raw().text().endsWith("0\r\nX-Checksum: abc\r\n\r\n"), request.raw().toString());
    }
  }

  @Test
  void expect100ContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", client.readHead());
      client.send("body");
      assertTrue(client.readResponse().endsWith("\r\n\r\nbody"));
      server.verify();
    }
  }

  @Test
  void anUnknownExpectationGets417AndIsReported() throws Exception {
    TcpServer server = TcpServer.create().withName("expecting").withResponder(ECHO.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: magic\r\n\r\n");
      assertTrue(client.readToEnd().startsWith("HTTP/1.1 417 Expectation Failed\r\n"));
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("its Expect header is \"magic\""), error.getMessage());
  }

  @Test
  void http11KeepsTheConnectionOpenAndConnectionCloseEndsIt() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
      assertFalse(client.readResponse().contains("Connection:"));
      client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
          + "Connection: close\r\n\r\nhello", client.readToEnd());
      Connection connection = server.awaitConnection();
      assertThat(connection).eventually().isFakeHalfClosed();
      assertFalse(connection.wasReset());
      server.verify();
    }
  }

  @Test
  void http10ClosesUnlessItAsksForKeepAlive() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start()) {
      try (RawHttpClient client = RawHttpClient.connect(server)) {
        client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(client.readResponse().contains("\r\nConnection: keep-alive\r\n"));
        client.send("GET /chunked HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"
            + "Connection: close\r\n\r\nabcdefghij", client.readToEnd(), "no chunked coding for HTTP/1.0");
      }
      assertThat(server).hasConnectionCount(1);
      server.verify();
    }
  }

  @Test
  void aChunkedResponseIsFramedInPiecesOfTheChunkSize() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /chunked HTTP/1.1\r\nHost: t\r\n\r\n");
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "4\r\nabcd\r\n4\r\nefgh\r\n2\r\nij\r\n0\r\n\r\n", client.readResponse());
    }
  }

  @Test
  void headAnd204AreSentWithoutABody() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /empty HTTP/1.1\r\nHost: t\r\n\r\n"
          + "HEAD /chunked HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
      String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n";
      String noContent = "HTTP/1.1 204 No Content\r\n\r\n";
      String chunkedHead =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
      // The last GET's answer shows that nothing came between the heads.
      assertThat(server.awaitConnection()).eventually().sentExactly(head + noContent + chunkedHead + head + "hello");
      server.verify();
    }
  }

  @Test
  void anUnmatchedRequestGets404AndFailsTheFakeNamingTheRequest() throws Exception {
    TcpServer server = TcpServer.create().withName("api").withResponder(ECHO.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("DELETE /nope?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
      assertEquals("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 26\r\n\r\n"
          + "no route for DELETE /nope\n", client.readResponse());
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains(
        "TcpServer 'api' connection #0 received a request no route matches: DELETE /nope?x=1 (request #0);"
            + " it was answered 404. The routes are [GET /hello, POST /echo, GET /empty, GET /chunked]"),
        error.getMessage());
  }

  @Test
  void otherwiseAnswersWhatNoRouteMatchesWithoutAProblem() throws Exception {
    HttpResponder http =
        HttpResponder.create()
            .onMatching("GET", "/v1\\.\\d+/containers/\\w+/json", request -> HttpResponse.json("{\"Id\":\""
                + request.path().split("/")[3] + "\"}"))
            .otherwise(HttpResponse.status(503).withBody("later"));
    try (TcpServer server = TcpServer.create().withResponder(http.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /v1.43/containers/abc/json HTTP/1.1\r\nHost: t\r\n\r\nGET /other HTTP/1.1\r\nHost: t\r\n\r\n");
      assertTrue(client.readResponse().endsWith("Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"Id\":\"abc\"}"));
      assertTrue(client.readResponse().startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
      server.verify();
    }
  }

  @Test
  void aMalformedRequestGets400ClosesAndIsReported() throws Exception {
    TcpServer server = TcpServer.create().withName("strict").withResponder(ECHO.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /a b HTTP/1.1\r\nHost: t\r\n\r\n");
      assertTrue(client.readResponse().endsWith("hello"));
      String rejected = client.readToEnd();
      assertTrue(rejected.startsWith("HTTP/1.1 400 Bad Request\r\n"), rejected);
      assertTrue(rejected.contains("\r\nConnection: close\r\n"), rejected);
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("TcpServer 'strict' connection #0: request #1 is malformed, its request"
        + " line is not \"METHOD target HTTP/1.1\" with single spaces: \"GET /a b HTTP/1.1\"; it was answered 400"
        + " Bad Request and the connection closed. The request: \"GET /a b HTTP/1.1"), error.getMessage());
  }

  @Test
  void aHeadLongerThanTheBoundGets431BeforeItEnds() throws Exception {
    TcpServer server =
        TcpServer.create().withResponder(ECHO.withMaxHeadSize(1024).responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      // The head never ends: the responder must answer from the bound alone.
      client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + "x".repeat(2000));
      assertTrue(client.readToEnd().startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("its head is longer than 1024 bytes"), error.getMessage());
    assertEquals(1, server.traffic().connections().size());
  }

  @Test
  void anHttp11RequestWithoutHostIsRejected() throws Exception {
    TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /hello HTTP/1.1\r\n\r\n");
      assertTrue(client.readToEnd().startsWith("HTTP/1.1 400 Bad Request\r\n"));
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("needs exactly one Host header (RFC 9112 3.2), this one has 0"),
        error.getMessage());
  }

  @Test
  void aRequestCutOffByTheProgramIsReported() throws Exception {
    TcpServer server = TcpServer.create().withResponder(ECHO.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nshort");
      client.shutdownOutput();
      assertEquals("", client.readToEnd());
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("ended its output in the middle of request #0"), error.getMessage());
  }

  @Test
  void aRouteFunctionThatFailsIsReportedAndResetsTheConnection() throws Exception {
    HttpResponder failing = HttpResponder.create().on("GET", "/boom", request -> {
      throw new IllegalStateException("boom from the route");
    });
    TcpServer server = TcpServer.create().withResponder(failing.responder()).start();
    try (RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
      server.awaitConnection().awaitClosed();
    }
    AssertionFailedError error = assertThrows(AssertionFailedError.class, server::close);
    assertTrue(error.getMessage().contains("boom from the route"), error.getMessage());
  }

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix-domain stream sockets")
  void aUnixSocketServerAnswersLikeADockerDaemon() throws Exception {
    HttpResponder docker =
        HttpResponder.create()
            .on("GET", "/_ping", HttpResponse.ok("OK"))
            .on("GET", "/v1.43/version", HttpResponse.json("{\"ApiVersion\":\"1.43\"}"));
    try (UnixSocketServer server = UnixSocketServer.create().withName("docker").withResponder(docker.responder()).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      for (int i = 0; i < "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n".length(); i++) {
        client.send("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n".substring(i, i + 1));
      }
      assertTrue(client.readResponse().endsWith("\r\n\r\nOK"));
      client.send("GET /v1.43/version HTTP/1.1\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(client.readResponse().endsWith("\r\n\r\n{\"ApiVersion\":\"1.43\"}"));
      assertThat(HttpRequest.await(server, "GET", "/v1.43/version")).hasHeader("Host", "docker").hasBody("");
      assertEquals(2, HttpRequest.allOf(server.traffic()).size());
      server.verify();
    }
  }
}
