/**
 * The staged rollout: the plan and its state; {@code RolloutController} (the lock, the minute tick,
 * the flag listener, metrics and listeners) around {@code StageMachine} (the transitions) and
 * {@code GateEvaluator} (the gates); the state kept in a {@code RolloutStateStore}
 * ({@code RolloutStateFile} on one machine, {@code EtcdRolloutStateStore} shared); notifications.
 *
 * <p>May use: slo, flags, transport, metrics, time, support. This is its row of the package table
 * in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.rollout;
