package dev.sockpuppet.http;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import dev.sockpuppet.stream.TcpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Requests parsed from the recording of any fake, and the assertions on them. */
class HttpRequestTest {
  private static final String CREATE =
      "POST /v1.43/containers/create?name=web%201&label=a&label=b+c HTTP/1.1\r\n"
          + "Host: docker\r\ncontent-type: application/json\r\nX-Trace: one\r\nX-TRACE: two\r\n"
          + "Content-Length: 17\r\n\r\n{\"Image\":\"nginx\"}";

  @Test
  void requestsAreParsedFromWhatAnyFakeRecorded() throws Exception {
    // A sink: the fake answers nothing, yet the recording holds the requests.
    try (TcpServer server = TcpServer.create().withName("sink").start()) {
      try (RawHttpClient first = RawHttpClient.connect(server);
          RawHttpClient second = RawHttpClient.connect(server)) {
        first.send(CREATE + "GET /a HTTP/1.1\r\nHost: docker\r\n\r\n");
        server.awaitConnection();
        second.send("GET /b HTTP/1.0\r\n\r\nGET /incomplete HTTP/1.1\r\nHost:");
        server.awaitConnections(2).get(1).awaitReceived("Host:");
        HttpRequest.await(server, "GET", "/a");
      }
      List<HttpRequest> requests = HttpRequest.allOf(server.traffic());
      assertEquals(List.of(
              "POST /v1.43/containers/create?name=web%201&label=a&label=b+c HTTP/1.1 (TcpServer 'sink' connection #0,"
                  + " request #0)",
              "GET /a HTTP/1.1 (TcpServer 'sink' connection #0, request #1)",
              "GET /b HTTP/1.0 (TcpServer 'sink' connection #1, request #0)"),
          requests.stream().map(HttpRequest::toString).toList(), "the incomplete request is left out");
      HttpRequest create = requests.get(0);
      assertEquals("/v1.43/containers/create", create.path());
      assertEquals("name=web%201&label=a&label=b+c", create.query());
      assertEquals(Optional.of("web 1"), create.queryParameter("name"));
      assertEquals(Map.of("name", List.of("web 1"), "label", List.of("a", "b c")), create.queryParameters());
      assertEquals(Optional.of("application/json"), create.header("Content-Type"));
      assertEquals(List.of("one", "two"), create.headerValues("x-trace"));
      assertEquals(Bytes.of("{\"Image\":\"nginx\"}"), create.body());
      assertEquals(CREATE, create.raw().text());
      assertEquals(1, requests.get(2).connectionIndex());
    }
  }

  @Test
  void absoluteAndAsteriskTargetsHaveAPath() throws Exception {
    try (TcpServer server = TcpServer.create().start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
          + "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
      HttpRequest.await(server, "OPTIONS", "*");
      List<HttpRequest> requests = HttpRequest.allOf(server.awaitConnection());
      assertEquals(List.of("/p/q", "/", "*"), requests.stream().map(HttpRequest::path).toList());
      assertEquals("x=1", requests.get(0).query());
    }
  }

  @Test
  void assertionsPassOnWhatArrived() throws Exception {
    HttpRequest create = recorded(CREATE);
    assertThat(create)
        .hasMethod("POST")
        .hasTarget("/v1.43/containers/create?name=web%201&label=a&label=b+c")
        .hasPath("/v1.43/containers/create")
        .hasQueryParameter("name", "web 1")
        .hasQueryParameter("label", "b c")
        .hasHeader("CONTENT-TYPE")
        .hasHeader("Content-Type", "application/json")
        .hasHeader("x-trace", "two")
        .hasNoHeader("Authorization")
        .hasBody("{\"Image\":\"nginx\"}")
        .hasBody(Bytes.of("{\"Image\":\"nginx\"}"))
        .hasBodyContaining("nginx");
  }

  @Test
  void assertionFailuresNameTheRequestAndThePartThatDiffered() throws Exception {
    HttpRequest create = recorded(CREATE);
    String subject = "TcpServer 'asserted' connection #0 request #0 (POST /v1.43/containers/create?name=web%201&label=a"
        + "&label=b+c HTTP/1.1) ";

    AssertionFailedError method = assertThrows(AssertionFailedError.class, () -> assertThat(create).hasMethod("GET"));
    assertEquals(subject + "has the method \"POST\", expected \"GET\"", method.getMessage());
    assertEquals("GET", method.getExpected().getValue());
    assertEquals("POST", method.getActual().getValue());

    AssertionFailedError path = assertThrows(AssertionFailedError.class, () -> assertThat(create).hasPath("/v1.43/x"));
    assertEquals(subject + "has the path \"/v1.43/containers/create\", expected \"/v1.43/x\"", path.getMessage());

    AssertionFailedError query =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasQueryParameter("label", "z"));
    assertEquals(subject + "has the query parameter \"label\" = [a, b c], not \"z\"", query.getMessage());
    AssertionFailedError noQuery =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasQueryParameter("all", "1"));
    assertEquals(subject + "has no query parameter \"all\"; its query is \"name=web%201&label=a&label=b+c\"",
        noQuery.getMessage());

    AssertionFailedError header =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasHeader("X-Trace", "three"));
    assertEquals(subject + "has the header \"X-Trace\" = [one, two], not \"three\"", header.getMessage());
    assertEquals("three", header.getExpected().getValue());
    assertEquals("one\ntwo", header.getActual().getValue());
    AssertionFailedError missing = assertThrows(AssertionFailedError.class, () -> assertThat(create).hasHeader("Accept"));
    assertTrue(missing.getMessage().startsWith(subject + "has no header \"Accept\"; its headers are [Host: docker,"),
        missing.getMessage());
    AssertionFailedError present =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasNoHeader("Content-Type"));
    assertEquals(subject + "has the header \"Content-Type\" = \"application/json\", which was expected to be absent",
        present.getMessage());

    AssertionFailedError body =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasBody("{\"Image\":\"redis\"}"));
    assertTrue(body.getMessage().startsWith(subject + "has a body that differs from the expected at offset 10"
        + " (expected 17 bytes, it has 17)"), body.getMessage());
    assertEquals("{\"Image\":\"redis\"}", body.getExpected().getValue());
    assertEquals("{\"Image\":\"nginx\"}", body.getActual().getValue());
    AssertionFailedError containing =
        assertThrows(AssertionFailedError.class, () -> assertThat(create).hasBodyContaining("redis"));
    assertTrue(containing.getMessage().startsWith(subject + "has a body without \"redis\"; its body is 17 bytes, as text:\n"
        + "00000000  \"{\\\"Image\\\":\\\"nginx\\\"}\"\n"),
        containing.getMessage());
  }

  @Test
  void awaitFailsWithinTheFakesTimeoutListingWhatArrived() throws Exception {
    try (TcpServer server = TcpServer.create().withName("slow").withTimeout(Duration.ofMillis(300)).start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send("GET /other HTTP/1.1\r\nHost: h\r\n\r\n");
      HttpRequest.await(server, "GET", "/other");
      AssertionFailedError error =
          assertThrows(AssertionFailedError.class, () -> HttpRequest.await(server, "GET", "/wanted"));
      assertEquals("timed out after 300 ms waiting for TcpServer 'slow' to receive an HTTP request GET /wanted; it"
          + " received 1 request:\n  GET /other HTTP/1.1 (TcpServer 'slow' connection #0, request #0)", error.getMessage());
    }
  }

  /** The request {@code text} as a fake recorded it. */
  private static HttpRequest recorded(String text) throws Exception {
    try (TcpServer server = TcpServer.create().withName("asserted").start();
        RawHttpClient client = RawHttpClient.connect(server)) {
      client.send(text);
      return HttpRequest.await(server, "request #0", request -> true);
    }
  }
}
