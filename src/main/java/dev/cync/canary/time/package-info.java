/**
 * The injected clock and scheduler: real, scaled (the demo's day per minute) and virtual (unit
 * tests and rehearsals). The only package that reads the system clock or sleeps.
 *
 * <p>May use: nothing else of the project. This is its row of the package table in docs/design.md,
 * which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.time;
