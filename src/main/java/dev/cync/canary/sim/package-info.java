/**
 * The fleet simulator (real TCP clients with fault injection), the load generator, scenarios, and
 * the modelled transports of rehearsals.
 *
 * <p>May use: transport, device, protocol, time, support. This is its row of the package table in
 * docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.sim;
