package dev.sockpuppet.benchmarks;

/** The echoing peer of a round-trip benchmark (see {@link PingPong}). */
public enum Peer {
  /** Baseline: a raw JDK server that writes back what it reads. */
  RAW_ECHO,
  /** A fake with {@code Responder.echo()}: answers on its reader thread. */
  FAKE_ECHO,
  /** A fake whose handler loops {@code readExactly(100)}/{@code write}, on a thread of its own. */
  FAKE_HANDLER,
  /** A fake whose script expects the 100-byte request and sends a 100-byte response, repeated. */
  FAKE_SCRIPT
}
