/**
 * Generators of the shipped monitoring: Prometheus recording and alert rules with their tests,
 * Alertmanager routing, Grafana dashboards, the queries document.
 *
 * <p>May use: slo, metrics, support. This is its row of the package table in docs/design.md, which {@code
 * ArchitectureTest} enforces.
 */
package dev.cync.canary.monitoring;
