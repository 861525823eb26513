/**
 * Service level objectives: the SLO file, windowed counters, error budgets, the evaluator (PASS,
 * FAIL, NO_DATA) and the automatic-rollback check.
 *
 * <p>May use: time, support. This is its row of the package table in docs/design.md, which {@code
 * ArchitectureTest} enforces.
 */
package dev.cync.canary.slo;
