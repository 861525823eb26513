/**
 * The Home Assistant bridge over MQTT: discovery, commands in (through the canary router), device
 * state out.
 *
 * <p>May use: routing, transport, device, protocol, metrics, time, support. This is its row of the
 * package table in docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.mqtt;
