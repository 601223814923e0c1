package dev.sockpuppet.http;

import static dev.sockpuppet.SocketAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Connection;
import dev.sockpuppet.ExternalTools;
import dev.sockpuppet.ExternalTools.Result;
import dev.sockpuppet.stream.TcpServer;
import dev.sockpuppet.stream.UnixSocketServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The HTTP responder against the clients users have: curl (over a Unix socket and TCP) and Python. */
class HttpRealClientsTest {
  private static final String VERSION =
      "{\"Version\":\"27.0.0\",\"ApiVersion\":\"1.43\",\"MinAPIVersion\":\"1.12\",\"Os\":\"linux\",\"Arch\":\"amd64\"}";

  private static final HttpResponder SERVICE =
      HttpResponder.create()
          .on("GET", "/v1.43/version", HttpResponse.json(VERSION).withHeader("Api-Version", "1.43"))
          .on("GET", "/hello", HttpResponse.ok("hello\n"))
          .on("GET", "/streamed", HttpResponse.ok("one\ntwo\nthree\n").chunked(3))
          .on("POST", "/echo", request -> HttpResponse.status(201)
              .withBody(request.body())
              .withHeader("Content-Type", request.header("Content-Type").orElse("application/octet-stream")));

  @Test
  @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Unix-domain stream sockets")
  void curlGetsTheVersionFromADockerStyleUnixSocket() throws Exception {
    try (UnixSocketServer docker =
        UnixSocketServer.create().withName("docker").withResponder(SERVICE.responder()).start()) {
      Result curl = curl("--unix-socket", docker.path().toString(), "--include", "http://localhost/v1.43/version");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.43\r\nContent-Length: "
          + VERSION.length() + "\r\n\r\n" + VERSION, curl.stdout());
      assertThat(HttpRequest.await(docker, "GET", "/v1.43/version"))
          .hasHeader("Host", "localhost")
          .hasHeader("Accept", "*/*")
          .hasHeader("User-Agent")
          .hasBody("");
      docker.verify();
    }
  }

  @Test
  void curlGetsOverTcp() throws Exception {
    try (TcpServer server = TcpServer.create().withName("api").withResponder(SERVICE.responder()).start()) {
      Result curl = curl("http://" + server.hostAndPort() + "/hello?lang=en&lang=de");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("hello\n", curl.stdout());
      assertThat(HttpRequest.await(server, "GET", "/hello"))
          .hasQueryParameter("lang", "de")
          .hasHeader("Host", server.hostAndPort());
      server.verify();
    }
  }

  @Test
  void curlPostsFormAndBinaryBodies() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      String url = "http://" + server.hostAndPort() + "/echo";
      Result form = curl("-d", "name=web&image=nginx%3Alatest", url);
      assertEquals(0, form.exitCode(), form.stderr());
      assertEquals("name=web&image=nginx%3Alatest", form.stdout());
      Result json = curlWithInput("{\"a\":\n[1, 2]}\n", "--data-binary", "@-", "-H", "Content-Type: application/json", url);
      assertEquals(0, json.exitCode(), json.stderr());
      assertEquals("{\"a\":\n[1, 2]}\n", json.stdout(), "--data-binary keeps the line breaks");
      List<HttpRequest> posts = HttpRequest.allOf(server.traffic());
      assertEquals(2, posts.size(), posts.toString());
      assertThat(posts.get(0))
          .hasMethod("POST")
          .hasHeader("Content-Type", "application/x-www-form-urlencoded")
          .hasHeader("Content-Length", "29")
          .hasBody("name=web&image=nginx%3Alatest");
      assertThat(posts.get(1)).hasHeader("Content-Type", "application/json").hasBody("{\"a\":\n[1, 2]}\n");
      server.verify();
    }
  }

  @Test
  void curlUploadsAChunkedBody() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      Result curl = curlWithInput("streamed upload\n", "--data-binary", "@-", "-H", "Transfer-Encoding: chunked",
          "http://" + server.hostAndPort() + "/echo");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("streamed upload\n", curl.stdout());
      HttpRequest upload = HttpRequest.await(server, "POST", "/echo");
      assertThat(upload).hasHeader("Transfer-Encoding", "chunked").hasNoHeader("Content-Length")
          .hasBody("streamed upload\n");
      assertTrue(upload.raw().text().endsWith("\r\n0\r\n\r\n"), upload.raw().toString());
      server.verify();
    }
  }

  @Test
  void curlGetsTwoUrlsOverOneKeptAliveConnection() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      String base = "http://" + server.hostAndPort();
      Result curl = curl(base + "/hello", base + "/v1.43/version");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("hello\n" + VERSION, curl.stdout());
      assertThat(server).hasConnectionCount(1);
      List<HttpRequest> requests = HttpRequest.allOf(server.connection(0));
      assertEquals(List.of("/hello", "/v1.43/version"), requests.stream().map(HttpRequest::path).toList());
      server.verify();
    }
  }

  @Test
  void curlDecodesAChunkedResponse() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      Result curl = curl("http://" + server.hostAndPort() + "/streamed");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("one\ntwo\nthree\n", curl.stdout());
      assertThat(server.awaitConnection()).sentContaining("Transfer-Encoding: chunked\r\n\r\n3\r\none\r\n3\r\n\ntw\r\n");
      server.verify();
    }
  }

  @Test
  void curlWaitsFor100ContinueBeforeSendingItsBody() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      // An --expect100-timeout beyond curl's --max-time: without the fake's 100 Continue, curl would
      // hold the body until it gives up, so the test cannot pass by curl sending it anyway.
      Result curl = curlWithInput("x".repeat(2000), "--expect100-timeout", "30", "-H", "Expect: 100-continue",
          "--data-binary", "@-", "http://" + server.hostAndPort() + "/echo");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("x".repeat(2000), curl.stdout());
      Connection connection = server.awaitConnection();
      assertTrue(connection.sent().text().startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"),
          connection.transcript());
      server.verify();
    }
  }

  @Test
  void curlHeadGetsTheHeadersWithoutTheBody() throws Exception {
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      String base = "http://" + server.hostAndPort();
      Result curl = curl("--head", base + "/hello", "--next", base + "/hello");
      assertEquals(0, curl.exitCode(), curl.stderr());
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\n\r\nhello\n",
          curl.stdout());
      assertThat(server).hasConnectionCount(1);
      assertEquals(List.of("HEAD", "GET"), HttpRequest.allOf(server.traffic()).stream().map(HttpRequest::method).toList());
      server.verify();
    }
  }

  @Test
  void pythonHttpClientKeepsItsConnectionAlive() throws Exception {
    String script = String.join("\n",
        "import http.client, sys",
        "c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)",
        "c.request('GET', '/v1.43/version')",
        "r = c.getresponse()",
        "print(r.status, r.getheader('Content-Type'), r.read().decode())",
        "c.request('POST', '/echo', body=b'from python', headers={'Content-Type': 'text/plain'})",
        "r = c.getresponse()",
        "print(r.status, r.read().decode())",
        "c.close()");
    try (TcpServer server = TcpServer.create().withResponder(SERVICE.responder()).start()) {
      Result python = ExternalTools.run(List.of("python3", "-c", script, String.valueOf(server.port())), "");
      assertEquals(0, python.exitCode(), python.stderr());
      assertEquals("200 application/json " + VERSION + "\n201 from python\n", python.stdout());
      assertThat(server).hasConnectionCount(1);
      assertThat(HttpRequest.await(server, "POST", "/echo"))
          .hasHeader("Content-Type", "text/plain")
          .hasHeader("Content-Length", "11")
          .hasBody("from python");
      server.verify();
    }
  }

  /** Runs curl, bounded, with nothing on its standard input. */
  private static Result curl(String... arguments) throws Exception {
    return curlWithInput("", arguments);
  }

  /** Runs curl, bounded, with {@code stdin} as its standard input (for {@code --data-binary @-}). */
  private static Result curlWithInput(String stdin, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "10"));
    command.addAll(List.of(arguments));
    return ExternalTools.run(command, stdin);
  }
}
