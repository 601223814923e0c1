package dev.sockpuppet.http;

import java.util.Locale;

/** The bits of HTTP/1.1 grammar (RFC 9110, RFC 9112) that requests and responses share. */
final class HttpSyntax {
  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private HttpSyntax() {}

  /** Whether {@code text} is a non-empty token (methods, header names, transfer codings). */
  static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alphaNumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphaNumeric && TOKEN_SYMBOLS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the first character that a field value may not hold (a control character other
   * than HTAB: NUL, CR, LF, DEL), or -1 when there is none.
   */
  static int invalidValueCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /** {@code CR (\r)}, {@code NUL (0x00)}: a control character, for messages. */
  static String describeControl(char c) {
    return switch (c) {
      case '\r' -> "a CR (\\r)";
      case '\n' -> "an LF (\\n)";
      case 0 -> "a NUL (0x00)";
      default -> "the control character 0x" + String.format(Locale.ROOT, "%02x", (int) c);
    };
  }

  /** Whether the comma-separated {@code header} value lists {@code token} (case-insensitive). */
  static boolean listsToken(String header, String token) {
    for (String part : header.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  /** The reason phrase of RFC 9110 for {@code status}, or an empty one for codes it does not name. */
  static String reasonPhrase(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 205 -> "Reset Content";
      case 206 -> "Partial Content";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Content";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "";
    };
  }
}
