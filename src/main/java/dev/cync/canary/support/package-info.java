/**
 * The ground floor: reading YAML files ({@code YamlFiles}) and their
 * settings strictly ({@code Settings}: unknown keys and wrong types
 * refused with the file and key), the duration syntax, validation messages, the JSON mapper set-
 * up, durable atomic file writes and the state marker.
 *
 * <p>May use: nothing else of the project (only libraries). This is its row of the package table
 * in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.support;
