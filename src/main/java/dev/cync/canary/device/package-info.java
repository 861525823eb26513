/**
 * The device side: the Netty server devices connect to (plaintext and TLS), Netty I/O selection,
 * one session per connection with its sequence allocator, admission guards, the device registry
 * and the device state model.
 *
 * <p>May use: protocol, metrics, time, support. This is its row of the package table in
 * docs/design.md, which {@code ArchitectureTest} enforces.
 */
package dev.cync.canary.device;
