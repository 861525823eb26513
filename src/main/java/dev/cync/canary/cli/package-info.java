/**
 * The picocli commands ({@code serve}, {@code demo}, {@code simulate}, {@code capture}, {@code
 * route}, {@code set-canary}, {@code rollout}, {@code rehearse}, {@code bench}, {@code generate},
 * ...): options, output and exit codes. The parts they run are built by the composition root,
 * {@code app.CompositionRoot}.
 *
 * <p>May use: every package (app, bench, http, mqtt, sim, monitoring, rollout, slo, flags,
 * routing, transport, device, protocol, metrics, time, support). This is its row of the package
 * table in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.cli;
