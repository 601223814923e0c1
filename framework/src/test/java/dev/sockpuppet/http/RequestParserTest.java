package dev.sockpuppet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parser alone, fed the same stream in every way it can arrive: whole, a byte at a time, and
 * split at every offset into two chunks. Each must find the same requests.
 */
class RequestParserTest {
  private static final String PIPELINED =
      "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
          + "\r\n" // an empty line between requests is ignored (RFC 9112 2.2)
          + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
          + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n2;name=value\r\nde\r\n0\r\nX-Sum: 42\r\n\r\n"
          + "DELETE /d HTTP/1.1\nHost: h\n\n"; // bare LF line ends are accepted

  @Test
  void findsTheSameRequestsHoweverTheStreamIsCut() throws IOException {
    Bytes stream = Bytes.of(PIPELINED);
    List<String> whole = parse(stream, List.of(stream.size()));
    assertEquals(
        List.of(
            "GET /a?x=1 HTTP/1.1 [Host: h] body=\"\" trailers=[]",
            "POST /b HTTP/1.1 [Host: h, Content-Length: 5] body=\"hello\" trailers=[]",
            "PUT /c HTTP/1.1 [Host: h, Transfer-Encoding: chunked] body=\"abcde\" trailers=[X-Sum=42]",
            "DELETE /d HTTP/1.1 [Host: h] body=\"\" trailers=[]"),
        whole);
    List<Long> bytes = new ArrayList<>();
    for (long i = 1; i <= stream.size(); i++) {
      bytes.add(i);
    }
    assertEquals(whole, parse(stream, bytes), "a byte at a time");
    for (long cut = 1; cut < stream.size(); cut++) {
      assertEquals(whole, parse(stream, List.of(cut, stream.size())), "cut at " + cut);
    }
  }

  @Test
  void theRawBytesOfEachRequestAreExactlyWhatArrived() throws IOException {
    Bytes stream = Bytes.of(PIPELINED);
    RequestParser.Collector found = new RequestParser.Collector();
    new RequestParser("test", 0, stream::slice, Long.MAX_VALUE, found).feed(stream);
    List<HttpRequest> requests = found.requests;
    assertEquals("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", requests.get(1).raw().text());
    assertTrue(requests.get(2).raw().text().endsWith("0\r\nX-Sum: 42\r\n\r\n"));
    assertEquals(1, requests.get(1).index());
  }

  @Test
  void aHeadLongerThanTheBoundIsMalformedBeforeItEnds() throws IOException {
    Bytes stream = Bytes.of("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(200));
    RequestParser.Collector found = new RequestParser.Collector();
    new RequestParser("test", 0, stream::slice, 100, found).feed(stream);
    List<String> problems = found.problems;
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("431 its head is longer than 100 bytes"), problems.get(0));
    assertTrue(problems.get(0).endsWith("(101 bytes shown)"), "the excerpt stops at the first byte past the bound: " + problems.get(0));
  }

  @Test
  void malformedFramingIsRejectedWithTheRightStatus() throws IOException {
    assertEquals("400", firstWord(malformed("GET /\r\n\r\n")));
    assertEquals("400", firstWord(malformed("GET  / HTTP/1.1\r\nHost: h\r\n\r\n")));
    assertEquals("400", firstWord(malformed("G(T / HTTP/1.1\r\nHost: h\r\n\r\n")));
    assertEquals("505", firstWord(malformed("GET / HTTP/2.0\r\nHost: h\r\n\r\n")));
    assertEquals("400", firstWord(malformed("GET / HTTP/1.1\r\nHost : h\r\n\r\n")));
    assertEquals("400", firstWord(malformed("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n")));
    assertEquals("400", firstWord(malformed("GET / HTTP/1.1\r\nNoColon\r\n\r\n")));
    assertEquals("400", firstWord(malformed("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")));
    assertEquals("501", firstWord(malformed("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")));
    assertEquals("400", firstWord(malformed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n")));
  }

  @Test
  void equalContentLengthsAreOne() throws IOException {
    Bytes stream = Bytes.of("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nok");
    assertEquals(List.of("POST / HTTP/1.1 [Content-Length: 2, 2] body=\"ok\" trailers=[]"),
        parse(stream, List.of(stream.size())));
  }

  private static String firstWord(String text) {
    return text.substring(0, text.indexOf(' '));
  }

  /** The single problem the parser reports for {@code text}, as "status reason (N bytes shown)". */
  private static String malformed(String text) throws IOException {
    Bytes stream = Bytes.of(text);
    RequestParser.Collector found = new RequestParser.Collector();
    new RequestParser("test", 0, stream::slice, 1024, found).feed(stream);
    assertEquals(List.of(), found.requests, text);
    assertEquals(1, found.problems.size(), text);
    return found.problems.get(0);
  }

  /** Feeds {@code stream} in pieces ending at {@code ends}; returns a description of each request. */
  private static List<String> parse(Bytes stream, List<Long> ends) throws IOException {
    RequestParser.Collector found = new RequestParser.Collector();
    RequestParser parser = new RequestParser("test", 0, stream::slice, 1024, found);
    long from = 0;
    for (long end : ends) {
      parser.feed(stream.slice(from, end));
      from = end;
    }
    assertEquals(List.of(), found.problems);
    List<String> described = new ArrayList<>();
    for (HttpRequest request : found.requests) {
      described.add(request.method() + " " + request.target() + " " + request.version() + " "
          + request.headers().stream().map(h -> h.getKey() + ": " + h.getValue()).toList()
          + " body=\"" + request.body().text() + "\" trailers="
          + request.trailers().stream().map(Map.Entry::toString).toList());
    }
    return described;
  }
}
