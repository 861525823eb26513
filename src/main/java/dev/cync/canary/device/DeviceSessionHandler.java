package dev.cync.canary.device;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DecodeError;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketDecodeException;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one device's conversation, as PROTOCOL.md describes it: 0x23 -> 0x28,
 * 0xC3 -> 0xC8, 0x43 -> 0x48, 0x83 -> 0x88, 0xD3 -> 0xD8, 0x7B -> 0x78 (and the ack goes to the
 * command waiting for it). It also closes connections that never say hello or fall silent: a
 * connection counts as alive only while whole packets arrive, so a peer that trickles one byte a
 * second is closed too.
 */
final class DeviceSessionHandler extends SimpleChannelInboundHandler<Packet> {

    private static final Logger log = LoggerFactory.getLogger(DeviceSessionHandler.class);

    /** Status broadcasts already applied: (device, sequence field, bytes) seen recently. */
    record StatusKey(int device, int sequenceField, int contentHash) {}

    private final DeviceServer server;
    private final DeviceSession session;
    private final Metrics metrics;
    private final Cache<StatusKey, Boolean> statusSeen;
    private final Duration heartbeatTimeout;
    private final Duration helloTimeout;
    private Scheduler.Cancellable livenessCheck;
    private String closeReason;

    DeviceSessionHandler(DeviceServer server, DeviceSession session) {
        this.server = server;
        this.session = session;
        this.metrics = server.metrics();
        this.statusSeen = server.statusSeen();
        this.heartbeatTimeout = server.config().heartbeatTimeout();
        this.helloTimeout = server.config().helloTimeout();
    }

    DeviceSession session() {
        return session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!server.admit()) {
            fail(ctx, "too_many_connections", "connection limit reached (" + server.config().maxConnections()
                    + "); raise server.maxConnections if the fleet is that large");
            return;
        }
        Duration check = heartbeatTimeout.dividedBy(4).compareTo(helloTimeout) < 0
                ? heartbeatTimeout.dividedBy(4) : helloTimeout;
        livenessCheck = session.scheduler().scheduleAtFixedRate(() -> checkLiveness(ctx), check);
        super.channelActive(ctx);
    }

    private void checkLiveness(ChannelHandlerContext ctx) {
        long silentNanos = session.clock().nanoTime() - session.lastPacketNanos();
        if (session.deviceId() == null) {
            long connectedNanos = Duration.between(session.connectedAt(), session.clock().instant()).toNanos();
            if (connectedNanos >= helloTimeout.toNanos()) {
                fail(ctx, "hello_timeout", "no hello within " + helloTimeout.toMillis() + " ms");
            }
        } else if (silentNanos >= heartbeatTimeout.toNanos()) {
            fail(ctx, "heartbeat_timeout", "no whole packet for " + Duration.ofNanos(silentNanos).toMillis() + " ms");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Packet packet) {
        session.packetArrived();
        server.packetReceived();
        if (packet instanceof Packet.Hello hello) {
            if (session.deviceId() != null && !session.deviceId().equals(hello.deviceId())) {
                fail(ctx, "id_changed", "hello for " + hello.deviceId() + " on a connection of " + session.deviceId());
                return;
            }
            session.identified(hello.deviceId());
            server.registry().register(session);
            ctx.writeAndFlush(new Packet.HelloAck());
            return;
        }
        if (packet instanceof Packet.Heartbeat) {
            ctx.writeAndFlush(new Packet.HeartbeatAck());
            return;
        }
        if (session.deviceId() == null) {
            fail(ctx, "no_hello", "sent " + packet.getClass().getSimpleName() + " before its hello");
            return;
        }
        if (packet instanceof Packet.CommandAck ack) {
            ctx.writeAndFlush(Packet.CommandAckReply.answering(ack));
            AckWaiter waiter = session.waiterFor(ack.key().bits());
            if (waiter != null) {
                waiter.onAck(session.clock().nanoTime());
            } else {
                server.unmatchedAck();
            }
        } else if (packet instanceof Packet.Status status) {
            ctx.writeAndFlush(new Packet.StatusAck(status.sequenceField()));
            if (!status.checksumValid()) {
                server.decodeErrorSeen();
                metrics.decodeError(DecodeError.BAD_CHECKSUM.label());
                return;
            }
            StatusKey key = new StatusKey(status.deviceId().value(), status.sequenceField(), status.bytes().hashCode());
            if (statusSeen.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
                status.power().ifPresent(session::reportedPower);
            }
        } else if (packet instanceof Packet.Connect) {
            ctx.writeAndFlush(Packets.serverTime(session.clock().zonedNow()));
        } else if (packet instanceof Packet.DeviceInfo) {
            ctx.writeAndFlush(new Packet.DeviceInfoAck());
        } else {
            // Server-to-device types arriving from a device: count and carry on.
            metrics.decodeError("unexpected_direction");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        session.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof PacketDecodeException e) {
            fail(ctx, e.reason().label(), e.getMessage());
        } else if (c instanceof NotSslRecordException) {
            fail(ctx, "not_tls_on_tls_port", "plaintext bytes on the TLS port");
        } else if (c instanceof SSLException) {
            fail(ctx, "tls_handshake_failed", c.getMessage());
        } else if (c instanceof IOException) {
            fail(ctx, "io_error", c.getMessage());
        } else {
            log.warn("unexpected error on {} ({}); closing it", session.remoteAddress(), session.deviceId(), c);
            fail(ctx, "internal_error", String.valueOf(c));
        }
    }

    private void fail(ChannelHandlerContext ctx, String reason, String detail) {
        if (closeReason == null) {
            closeReason = reason;
            metrics.connectionFailure(reason);
            log.debug("closing {} (device {}): {}: {}", session.remoteAddress(), session.deviceId(), reason, detail);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (livenessCheck != null) {
            livenessCheck.cancel();
            server.release();
        }
        server.registry().unregister(session);
        session.closed();
        super.channelInactive(ctx);
    }
}
