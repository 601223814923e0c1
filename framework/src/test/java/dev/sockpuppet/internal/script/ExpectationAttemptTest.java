package dev.sockpuppet.internal.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockpuppet.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An attempt that remembers how far it looked decides exactly as the stateless expectation would
 * on the same input, whatever pieces the input arrives in; and the shared expectation stays
 * stateless, so one step serves many connections.
 */
class ExpectationAttemptTest {
  private static final long SEED = 20261121L;

  @Test
  void attemptsDecideAsFreshTestsOnEveryPrefixOfRandomInputs() {
    Random random = new Random(SEED);
    Bytes expected = Bytes.of("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    List<Expectation> expectations =
        List.of(
            Expectations.exactly(expected),
            Expectations.line("PING"),
            Expectations.lineMatching(Pattern.compile("USER (\\w+)")));
    for (int round = 0; round < 2_000; round++) {
      byte[] input = input(random, expected);
      for (Expectation expectation : expectations) {
        Expectation attempt = expectation.attempt();
        int at = 0;
        while (true) {
          at = Math.min(input.length, at + 1 + random.nextInt(8));
          boolean ended = at == input.length && random.nextBoolean();
          Bytes unread = pieces(input, at, random);
          Outcome fresh = expectation.test(unread, ended);
          Outcome remembered = attempt.test(unread, ended);
          String where = "round " + round + ", " + at + " bytes of " + quoted(input) + ", " + expectation;
          assertEquals(describe(fresh), describe(remembered), where);
          if (fresh.isMatch() || fresh.isMismatch() || at == input.length) {
            break;
          }
        }
      }
    }
  }

  @Test
  void theSharedExpectationRemembersNothingBetweenInputs() {
    Expectation exact = Expectations.exactly(Bytes.of("abcdef"));
    assertTrue(waiting(exact.test(Bytes.of("abc"), false)));
    assertEquals(0, exact.test(Bytes.of("xbcdef"), false).differsAt(), "a new input is compared from its start");
    Expectation line = Expectations.line("PING");
    assertTrue(waiting(line.test(Bytes.of("PI"), false)));
    assertTrue(line.test(Bytes.of("\n"), false).isMismatch(), "a new input is searched from its start");
  }

  private static boolean waiting(Outcome outcome) {
    return !outcome.isMatch() && !outcome.isMismatch();
  }

  /** The expected bytes, a prefix of them with a changed byte, lines, or noise. */
  private static byte[] input(Random random, Bytes expected) {
    byte[] bytes =
        switch (random.nextInt(5)) {
          case 0 -> expected.toByteArray();
          case 1 -> {
            byte[] changed = expected.toByteArray();
            changed[random.nextInt(changed.length)] ^= 1;
            yield changed;
          }
          case 2 -> "PING\r\nmore".getBytes(StandardCharsets.US_ASCII);
          case 3 -> ("USER " + "a".repeat(random.nextInt(20)) + "\n").getBytes(StandardCharsets.US_ASCII);
          default -> {
            byte[] noise = new byte[random.nextInt(60)];
            for (int i = 0; i < noise.length; i++) {
              noise[i] = (byte) "PING\n\r USERab".charAt(random.nextInt(13));
            }
            yield noise;
          }
        };
    return bytes;
  }

  /** The first {@code count} bytes as a value of random pieces, as a recording holds them. */
  private static Bytes pieces(byte[] input, int count, Random random) {
    List<Bytes> parts = new ArrayList<>();
    for (int from = 0; from < count; ) {
      int to = Math.min(count, from + 1 + random.nextInt(6));
      parts.add(Bytes.of(input, from, to - from));
      from = to;
    }
    return Bytes.concat(parts.toArray(new Bytes[0]));
  }

  private static String describe(Outcome outcome) {
    if (outcome.isMatch()) {
      return "matched " + outcome.consumed() + " " + outcome.captures();
    }
    if (outcome.isMismatch()) {
      return "mismatch at " + outcome.differsAt() + ": " + outcome.mismatch() + " / " + outcome.nearestMiss();
    }
    return "waiting";
  }

  private static String quoted(byte[] input) {
    return "\"" + new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + "\"";
  }
}
