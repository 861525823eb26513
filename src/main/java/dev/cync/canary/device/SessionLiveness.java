package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;

/**
 * One job: close connections that never say hello or fall silent. A connection counts as alive only
 * while whole packets arrive (each one is noted on the session and counted for the server), so a
 * peer that trickles one byte a second is closed too. Confined to the channel's event loop.
 */
final class SessionLiveness extends ChannelInboundHandlerAdapter {

    private final DeviceSession session;
    private final SessionEvents events;
    private final Metrics metrics;
    private final Duration heartbeatTimeout;
    private final Duration helloTimeout;
    private Scheduler.Cancellable check;

    SessionLiveness(
            DeviceSession session,
            SessionEvents events,
            Metrics metrics,
            Duration heartbeatTimeout,
            Duration helloTimeout) {
        this.session = session;
        this.events = events;
        this.metrics = metrics;
        this.heartbeatTimeout = heartbeatTimeout;
        this.helloTimeout = helloTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Duration every = heartbeatTimeout.dividedBy(4).compareTo(helloTimeout) < 0
                ? heartbeatTimeout.dividedBy(4)
                : helloTimeout;
        check = session.scheduler().scheduleAtFixedRate(() -> check(ctx), every);
        ctx.fireChannelActive();
    }

    private void check(ChannelHandlerContext ctx) {
        long silentNanos = session.clock().nanoTime() - session.lastPacketNanos();
        if (session.deviceId() == null) {
            long connectedNanos = Duration.between(
                            session.connectedAt(), session.clock().instant())
                    .toNanos();
            if (connectedNanos >= helloTimeout.toNanos()) {
                SessionClose.fail(ctx, metrics, "hello_timeout", "no hello within " + helloTimeout.toMillis() + " ms");
            }
        } else if (silentNanos >= heartbeatTimeout.toNanos()) {
            SessionClose.fail(
                    ctx,
                    metrics,
                    "heartbeat_timeout",
                    "no whole packet for " + Duration.ofNanos(silentNanos).toMillis() + " ms");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet) {
            session.packetArrived();
            events.packetReceived();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel();
            check = null;
        }
        ctx.fireChannelInactive();
    }
}
