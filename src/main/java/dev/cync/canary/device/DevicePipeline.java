package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.CyncFrameDecoder;
import dev.cync.canary.protocol.PacketDecoder;
import dev.cync.canary.protocol.PacketEncoder;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place a device connection's pipeline is built, for the server's sockets and for the
 * tests' in-memory channels alike. Top to bottom, one job each:
 *
 * <ol>
 *   <li>{@link ConnectionAdmission}: connection, pending-hello and per-address budgets;
 *   <li>TLS (TLS port only);
 *   <li>{@link SlowReaderGuard}: a peer that does not read its answers stops being read;
 *   <li>flush consolidation: the answers written while a read batch is handled go out in one flush;
 *   <li>{@link CyncFrameDecoder}, {@link PacketDecoder}, {@link PacketEncoder}: bytes to packets and back;
 *   <li>{@link DeviceIdentity}: nothing but an accepted hello before the hello;
 *   <li>{@link SessionLiveness}: hello and heartbeat timeouts, whole packets noted and counted;
 *   <li>{@link DeviceSessionHandler}: the session's life (hello registers, close unregisters);
 *   <li>{@link ProtocolAnswers}: the vendor's answer to every packet;
 *   <li>{@link AckMatcher}: receipts and execution acks to the commands waiting for them;
 *   <li>{@link StatusDedup}: each 0x83 once;
 *   <li>{@link StateReports}: reports into the device state model;
 *   <li>{@link SessionErrors}: any error closes the connection with a counted reason.
 * </ol>
 */
final class DevicePipeline {

    /** Flushes held while a read batch is handled, at most: then one flush goes out anyway. */
    static final int FLUSH_AFTER = 256;

    private final DeviceServerConfig config;
    private final DeviceGuardConfig guards;
    private final ConnectionAdmission admission;
    private final AuthCodes authCodes;
    private final DeviceRegistry registry;
    private final DeviceCounters counters;
    private final RecentStatuses statusSeen;
    private final SessionAnswers answers;
    private final Clock clock;
    private final Metrics metrics;
    private final AtomicLong connectionIds;

    DevicePipeline(
            DeviceServerConfig config,
            DeviceGuardConfig guards,
            ConnectionAdmission admission,
            AuthCodes authCodes,
            DeviceRegistry registry,
            DeviceCounters counters,
            RecentStatuses statusSeen,
            SessionAnswers answers,
            Clock clock,
            Metrics metrics,
            AtomicLong connectionIds) {
        this.config = config;
        this.guards = guards;
        this.admission = admission;
        this.authCodes = authCodes;
        this.registry = registry;
        this.counters = counters;
        this.statusSeen = statusSeen;
        this.answers = answers;
        this.clock = clock;
        this.metrics = metrics;
        this.connectionIds = connectionIds;
    }

    /**
     * Builds the pipeline of a new connection.
     *
     * @param ssl the TLS port's context, or null for plaintext
     * @param timers the connection's timers: its event loop on a socket, the virtual clock in tests
     */
    DeviceSession init(Channel ch, SslContext ssl, Scheduler timers) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("admission", admission);
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("slow-reader", new SlowReaderGuard(timers, guards.slowReaderTimeout(), metrics));
        p.addLast("flush", new FlushConsolidationHandler(FLUSH_AFTER, true));
        p.addLast(
                "frames",
                new CyncFrameDecoder((reason, bytes) -> counters.decodeError(reason), config.maxGarbageBytes()));
        p.addLast("packets", new PacketDecoder((reason, bytes) -> counters.decodeError(reason)));
        p.addLast("encoder", new PacketEncoder());
        p.addLast("identity", new DeviceIdentity(authCodes, admission, metrics));
        DeviceSession session = new DeviceSession(
                ch,
                clock,
                timers,
                connectionIds.incrementAndGet(),
                ssl != null,
                config.sequenceReuseDelay().toNanos());
        p.addLast(
                "liveness",
                new SessionLiveness(session, counters, metrics, config.heartbeatTimeout(), config.helloTimeout()));
        p.addLast("session", new DeviceSessionHandler(session, registry, metrics));
        p.addLast("answers", new ProtocolAnswers(session, answers, metrics));
        p.addLast("acks", new AckMatcher(session, counters, metrics));
        p.addLast("status-dedup", new StatusDedup(statusSeen, counters, clock));
        p.addLast("state", new StateReports(session, registry.states()));
        p.addLast("errors", new SessionErrors(session, metrics));
        return session;
    }
}
