/**
 * Fakes that the program sends datagrams to: {@link dev.sockpuppet.datagram.UdpServer} and {@link
 * dev.sockpuppet.datagram.UnixDatagramServer} (the {@code /dev/log} kind of socket), with what they
 * answer ({@link dev.sockpuppet.datagram.DatagramResponder}) and how they misbehave on purpose
 * ({@link dev.sockpuppet.datagram.DatagramFault}: drop, duplicate, truncate, delay). Every datagram
 * is recorded whole as a {@link dev.sockpuppet.Datagram} in the fake's {@link
 * dev.sockpuppet.Traffic}. For syslog messages parsed into fields, see {@code
 * dev.sockpuppet.syslog}.
 */
package dev.sockpuppet.datagram;
