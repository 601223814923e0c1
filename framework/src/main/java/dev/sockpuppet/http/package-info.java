/**
 * HTTP/1.1 over any stream fake, for daemon sockets ({@code docker.sock} and friends) and plain
 * TCP: an {@link dev.sockpuppet.http.HttpResponder} that answers requests by method and path with
 * {@link dev.sockpuppet.http.HttpResponse}s (framing computed for you), and {@link
 * dev.sockpuppet.http.HttpRequest}, the requests a fake received, parsed from its recording.
 *
 * <pre>{@code
 * HttpResponder http = HttpResponder.create()
 *     .on("GET", "/v1.43/version", HttpResponse.json("{\"ApiVersion\":\"1.43\"}"));
 * try (UnixSocketServer docker = UnixSocketServer.create().withResponder(http.responder()).start()) {
 *   // point the program at docker.path(), let it run, then:
 *   HttpRequest request = HttpRequest.await(docker, "GET", "/v1.43/version");
 *   assertThat(request).hasHeader("Host", "localhost");
 * }
 * }</pre>
 *
 * <p>Minimal and correct, not a mock web server: no TLS, no HTTP/2, no content codings, no
 * request matching beyond method and path (a route function can look at anything else).
 */
package dev.sockpuppet.http;
