/**
 * The benchmark ({@code cync-canary bench}): the same simulated fleet and the same load through
 * each arm in turn (the raw baseline, the legacy transport, {@code ReliableTransport}, and the
 * mirror arm through the canary router), measured the same way, with the accounting checked per
 * arm; and the heap per connected device ({@code bench --memory}). {@link
 * dev.cync.canary.bench.Bench} runs it and returns a typed {@link dev.cync.canary.bench.BenchReport};
 * the running controller comes in through the small port {@link
 * dev.cync.canary.bench.BenchTarget}, which the composition root implements.
 *
 * <p>May use: sim, slo, routing, transport, device, protocol, metrics, time, support. This is its
 * row of the package table in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.bench;
