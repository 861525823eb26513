/**
 * The staged rollout: plan, state, the rollout controller and its gates, persisted and shared
 * state, notifications.
 *
 * <p>May use: slo, flags, transport, metrics, time, support. This is its row of the package table
 * in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.rollout;
