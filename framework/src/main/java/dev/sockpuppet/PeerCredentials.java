package dev.sockpuppet;

/**
 * The process at the other end of a Unix-domain connection, as the kernel reported it when the
 * connection was accepted ({@code SO_PEERCRED} on Linux).
 *
 * @param pid process id of the peer
 * @param uid effective user id of the peer
 * @param gid effective group id of the peer
 */
public record PeerCredentials(long pid, long uid, long gid) {
  @Override
  public String toString() {
    return "pid=" + pid + " uid=" + uid + " gid=" + gid;
  }
}
