/**
 * The ground floor: reading YAML files ({@code YamlFiles}) and their
 * settings strictly ({@code Settings}: unknown keys and wrong types
 * refused with the file and key), the duration syntax, validation messages, the JSON mapper set-
 * up, durable atomic file writes, the state marker, and the normal distribution
 * ({@code NormalDistribution}) that the SLO statistics and the rehearsal's latency model share,
 * and waiting on executors rather than sleeps ({@code Waits}).
 *
 * <p>May use: nothing else of the project (only libraries). This is its row of the package table
 * in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.support;
