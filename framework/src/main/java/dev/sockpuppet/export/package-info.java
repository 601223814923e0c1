/**
 * Writing recordings out for other tools: {@link dev.sockpuppet.export.TrafficExport} writes one or
 * several fakes' traffic as pcapng (for Wireshark and {@code tshark}) or as JSON Lines (for {@code
 * jq} and scripts). See {@code docs/EXPORTS.md}.
 */
package dev.sockpuppet.export;
