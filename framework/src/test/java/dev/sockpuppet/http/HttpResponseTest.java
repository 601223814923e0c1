package dev.sockpuppet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockpuppet.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What a response sends, and the misuse it refuses with a message that says what to do. */
class HttpResponseTest {
  @Test
  void framingIsComputedFromTheBody() {
    assertEquals("HTTP/1.1 201 Created\r\nLocation: /c/1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
            + "\r\n{\"Id\":1}\n",
        HttpResponse.status(201).withHeader("Location", "/c/1").withJsonBody("{\"Id\":1}\n").encode(false, false, null)
            .text());
    assertEquals("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n",
        HttpResponse.status(299).encode(false, false, null).text(), "an unnamed status keeps the space of the status line");
    assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n2\r\n\u0000\u0001\r\n1\r\n\u0002\r\n0\r\n\r\n",
        HttpResponse.status(200).withBody(Bytes.ofHex("000102")).chunked(2).encode(false, false, "close").text());
    assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        HttpResponse.status(200).chunked().encode(false, false, null).text(), "an empty chunked body is the last chunk");
  }

  @Test
  void headersKeepTheirOrderAndRepeatWhileContentTypeReplaces() {
    HttpResponse response =
        HttpResponse.ok("x")
            .withHeader("Set-Cookie", "a=1")
            .withHeader("Set-Cookie", "b=2")
            .withHeader("content-type", "text/csv");
    assertEquals("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-type: text/csv\r\nContent-Length: 1"
        + "\r\n\r\nx", response.encode(false, false, null).text());
    assertEquals("200 OK [Set-Cookie: a=1, Set-Cookie: b=2, content-type: text/csv] 1 byte", response.toString());
  }

  @Test
  void noBodyFor204And304AndHeadRequests() {
    assertEquals("HTTP/1.1 204 No Content\r\n\r\n", HttpResponse.noContent().encode(false, false, null).text());
    assertEquals("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n",
        HttpResponse.status(304).withHeader("ETag", "\"v1\"").encode(false, false, null).text());
    assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n",
        HttpResponse.ok("hello").encode(true, false, null).text());
  }

  @Test
  void badStatusesAreRefused() {
    assertMessage("an HTTP status must be a final status from 200 to 599 (or 101 to switch protocols), got 99",
        () -> HttpResponse.status(99));
    assertMessage("an HTTP status must be a final status from 200 to 599 (or 101 to switch protocols), got 600",
        () -> HttpResponse.status(600));
    assertMessage("status 100 (Continue) is sent by the responder itself when a request expects it; answer with a"
        + " final status from 200 to 599 (or 101 to switch protocols)", () -> HttpResponse.status(100));
  }

  @Test
  void headersThatWouldBreakTheFramingAreRefused() {
    assertMessage("the value of the header X-Id holds a CR (\\r) at index 1; header values cannot hold CR, LF or"
        + " other control characters", () -> HttpResponse.ok("").withHeader("X-Id", "1\r\nSet-Cookie: evil"));
    assertMessage("the value of the header X-Id holds an LF (\\n) at index 0; header values cannot hold CR, LF or"
        + " other control characters", () -> HttpResponse.ok("").withHeader("X-Id", "\n"));
    assertMessage("\"Bad Name\" is not a valid header name: a name is a token of letters, digits and"
        + " !#$%&'*+-.^_`|~, without spaces or a colon", () -> HttpResponse.ok("").withHeader("Bad Name", "v"));
    assertMessage("\"X:\" is not a valid header name: a name is a token of letters, digits and"
        + " !#$%&'*+-.^_`|~, without spaces or a colon", () -> HttpResponse.ok("").withHeader("X:", "v"));
    assertMessage("Content-Length is computed by the responder from the body; set the body with withBody(…) and"
        + " choose chunked() for Transfer-Encoding: chunked", () -> HttpResponse.ok("").withHeader("Content-Length", "9"));
    assertMessage("transfer-encoding is computed by the responder from the body; set the body with withBody(…) and"
        + " choose chunked() for Transfer-Encoding: chunked",
        () -> HttpResponse.ok("").withHeader("transfer-encoding", "chunked"));
  }

  @Test
  void bodiesWhereTheStatusHasNoneAreRefused() {
    assertMessage("a 204 response cannot have a body: responses with status 1xx, 204 (No Content) and 304 (Not"
        + " Modified) have no body", () -> HttpResponse.noContent().withBody("x"));
    assertMessage("a 304 response cannot be chunked: responses with status 1xx, 204 (No Content) and 304 (Not"
        + " Modified) have no body", () -> HttpResponse.status(304).chunked());
    assertMessage("the chunk size must be at least 1 byte, got 0", () -> HttpResponse.ok("x").chunked(0));
  }

  @Test
  void routesRefuseWhatCouldNeverMatch() {
    assertMessage("\"GET /\" is not an HTTP method: a method is a token such as GET or POST, without spaces",
        () -> HttpResponder.create().on("GET /", "/", HttpResponse.ok("")));
    assertMessage("routes match the path without the query, so \"/a?b=1\" never matches; route on the path and read"
        + " request.queryParameter(…) in a route function", () -> HttpResponder.create().on("GET", "/a?b=1",
            HttpResponse.ok("")));
    assertThrows(IllegalArgumentException.class, () -> HttpResponder.create().onMatching("GET", "/(", HttpResponse.ok("")));
    assertMessage("the longest request head must be at least 64 bytes, got 10",
        () -> HttpResponder.create().withMaxHeadSize(10));
  }

  private static void assertMessage(String expected, Executable misuse) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, misuse).getMessage());
  }
}
