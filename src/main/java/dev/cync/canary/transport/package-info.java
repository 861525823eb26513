/**
 * The two command paths, legacy ({@code LegacyTransport}) and new ({@code ReliableTransport}),
 * behind {@code Transport}; how a command resolves ({@code CommandOutcome}, {@code Outcome}),
 * outcome metrics and history.
 *
 * <p>May use: device, protocol, metrics, time, support. This is its row of the package table in
 * docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.transport;
