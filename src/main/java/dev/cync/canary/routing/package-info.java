/**
 * The canary router (a pure function of device id and routing snapshot), its snapshot, and the
 * sender that routes each command and mirrors the dark launch.
 *
 * <p>May use: transport, metrics. This is its row of the package table in docs/design.md, which
 * {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.routing;
