/**
 * How recordings are written out for other tools: pcapng blocks ({@code PcapngWriter}), synthetic
 * IPv4/IPv6, TCP and UDP headers ({@code Packets}), a connection replayed as a TCP exchange ({@code
 * PcapngExporter}), and JSON Lines ({@code JsonLinesExporter}). The public entry point is {@code
 * dev.sockpuppet.export.TrafficExport}.
 *
 * <p><b>Not API.</b> Anything in this package may change or disappear in any release without
 * notice; do not use it from tests or other code.
 */
package dev.sockpuppet.internal.export;
