package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job: the session's life. A hello names the session's device and registers it (a hello for
 * another device on the same connection closes it as {@code id_changed}); the close unregisters it
 * and fails what waits on it ({@link SessionErrors} closes on errors). The packets
 * themselves go on to {@link ProtocolAnswers}. {@link DeviceIdentity} in front of it has already
 * refused anything before an accepted hello. Confined to the channel's event loop.
 */
final class DeviceSessionHandler extends ChannelInboundHandlerAdapter {

    private final DeviceSession session;
    private final DeviceRegistry registry;
    private final Metrics metrics;

    DeviceSessionHandler(DeviceSession session, DeviceRegistry registry, Metrics metrics) {
        this.session = session;
        this.registry = registry;
        this.metrics = metrics;
    }

    DeviceSession session() {
        return session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.Hello hello) {
            if (session.deviceId() != null && !session.deviceId().equals(hello.deviceId())) {
                SessionClose.fail(
                        ctx,
                        metrics,
                        "id_changed",
                        "hello for " + hello.deviceId() + " on a connection of " + session.deviceId());
                return;
            }
            session.identified(hello.deviceId());
            registry.register(session);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.unregister(session);
        session.closed();
        ctx.fireChannelInactive();
    }
}
