/**
 * The composition root: {@link dev.cync.canary.app.CompositionRoot} builds the controller's parts
 * once (metrics, device server, both transports, flags, the decision core, canary sender, HTTP
 * server, Home Assistant bridge) and hands them out to {@code serve}, {@code demo} and {@code
 * bench}; {@link dev.cync.canary.app.CanaryCore} is the decision core (flags -> router, SLO
 * recorder -> windows -> evaluator -> rollout controller), which {@code rehearse} builds alone on
 * a virtual clock; {@link dev.cync.canary.app.ControllerConfig} is {@code cync-canary.yaml}, read
 * and validated.
 *
 * <p>May use: bench, http, mqtt, sim, monitoring, rollout, slo, flags, routing, transport, device,
 * protocol, metrics, time, support. This is its row of the package table in docs/design.md, which
 * {@code ArchitectureTest} enforces; only {@code cli} uses it.
 */
package dev.cync.canary.app;
