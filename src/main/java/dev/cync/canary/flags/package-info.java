/**
 * The operator's flags (canary percentage, cohort, exclude list, kill switch, dark launch) and
 * their stores (environment defaults, file, etcd), the audit log and leader election.
 *
 * <p>May use: time, support. This is its row of the package table in docs/design.md, which {@code
 * ArchitectureTest} enforces.
 */
package dev.cync.canary.flags;
