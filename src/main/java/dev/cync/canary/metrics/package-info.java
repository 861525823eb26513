/**
 * The Prometheus registry and every metric name and label value, in one place; the monitoring
 * generators read the same constants.
 *
 * <p>May use: nothing else of the project. This is its row of the package table in docs/design.md,
 * which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.metrics;
