/**
 * The admin HTTP server: {@code /metrics}, {@code /healthz}, the {@code /api} endpoints and the
 * status page.
 *
 * <p>May use: rollout, slo, flags, routing, transport, device, protocol, metrics, time, support.
 * This is its row of the package table in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.http;
