/**
 * The picocli commands ({@code serve}, {@code demo}, {@code simulate}, {@code capture}, {@code
 * route}, {@code set-canary}, {@code rollout}, {@code rehearse}, {@code bench}, {@code generate},
 * ...) and, until the {@code app} package takes it, the composition root {@code Controller}.
 *
 * <p>May use: every package (app, bench, http, mqtt, sim, monitoring, rollout, slo, flags,
 * routing, transport, device, protocol, metrics, time, support). This is its row of the package
 * table in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.cli;
