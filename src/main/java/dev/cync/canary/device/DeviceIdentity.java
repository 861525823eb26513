package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job: who may speak on this connection. Until a hello is accepted, nothing but a hello passes
 * (anything else closes the connection, counted as {@code no_hello}; no heartbeat is answered for
 * a stranger). A hello passes when its endpoint and auth code agree with {@link AuthCodes} (the
 * allow-list when one is configured, otherwise the code pinned on first sight); otherwise the
 * connection is closed and counted as {@code auth_code_mismatch} or {@code not_allowed}, and the
 * device's existing session, if any, is untouched. So a second connection replaces the first only
 * when it presents the same code. Confined to the channel's event loop.
 */
final class DeviceIdentity extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DeviceIdentity.class);

    private final AuthCodes codes;
    private final ConnectionAdmission admission;
    private final Metrics metrics;
    private Packet.Hello accepted;

    DeviceIdentity(AuthCodes codes, ConnectionAdmission admission, Metrics metrics) {
        this.codes = codes;
        this.admission = admission;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.Hello hello) {
            if (accepted != null && accepted.equals(hello)) {
                ctx.fireChannelRead(msg); // a repeated hello: the session answers it
                return;
            }
            AuthCodes.Verdict v = codes.check(hello.deviceId(), hello.authCode());
            if (!v.accepted()) {
                refuse(
                        ctx,
                        v.label(),
                        "hello for " + hello.deviceId() + " from "
                                + ctx.channel().remoteAddress() + " refused: " + v.label());
                return;
            }
            if (accepted == null) {
                admission.helloAccepted(ctx.channel());
            }
            accepted = hello;
            ctx.fireChannelRead(msg);
            return;
        }
        if (accepted == null) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "no_hello", "sent " + msg.getClass().getSimpleName() + " before its hello");
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String detail) {
        if (ctx.channel().isActive()) {
            metrics.connectionFailure(reason);
            log.debug("closing {}: {}", ctx.channel().remoteAddress(), detail);
            ctx.channel().config().setAutoRead(false);
            ctx.close();
        }
    }
}
