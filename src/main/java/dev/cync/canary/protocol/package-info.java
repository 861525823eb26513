/**
 * The Cync device protocol as the code implements it (docs/protocol.md): packet types, codec,
 * stream framer, inner frames, device ids, the capture reader and analyser.
 *
 * <p>May use: nothing else of the project. This is its row of the package table in docs/design.md,
 * which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.protocol;
