package dev.cync.canary.device;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.DecodeError;
import dev.cync.canary.protocol.InnerFrame;
import dev.cync.canary.protocol.MeshQuery;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketDecodeException;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.protocol.StatusReport;
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
 * The server side of one device's conversation, answered as the vendor's cloud does (docs/protocol.md
 * revision 2): 0x23 -> 0x28 then one 0xA3; 0xAB -> one mesh query; 0xC3 -> 0xC8; 0x43 -> 0x48;
 * 0x83 -> 0x88 (and a 0x7B once controlled); 0xD3 -> 0xD8; device 0x73 -> a 0x7B receipt, and the
 * execution ack goes to the command waiting for it; device 0x7B -> nothing (the receipt goes to
 * the command; one that matches nothing is counted). 0x43 entries, 0x83 own states and mesh-query
 * answers feed the device state model. It also closes connections that never say hello or fall silent: a
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
    /**
     * The inner sequence (and field {@code 00 00 00}) of the session's own mesh query: outside the
     * 1..255 the transports' sequence allocator hands out, so its answers never meet a command's.
     */
    static final int MESH_QUERY_SEQUENCE = 0;

    private final SessionAnswers answers;
    private boolean meshQueried;
    private Scheduler.Cancellable livenessCheck;
    private String closeReason;

    DeviceSessionHandler(DeviceServer server, DeviceSession session) {
        this.server = server;
        this.session = session;
        this.metrics = server.metrics();
        this.answers = server.answers();
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
            boolean first = session.deviceId() == null;
            session.identified(hello.deviceId());
            server.registry().register(session);
            ctx.writeAndFlush(new Packet.HelloAck());
            if (first) {
                afterHello(ctx);
            }
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
        if (packet instanceof Packet.CommandAck receipt) {
            receipt(receipt);
        } else if (packet instanceof Packet.Command answer) {
            deviceCommand(ctx, answer);
        } else if (packet instanceof Packet.Status status) {
            status(ctx, status);
        } else if (packet instanceof Packet.Connect) {
            ctx.writeAndFlush(Packets.serverTime(session.clock().zonedNow()));
        } else if (packet instanceof Packet.DeviceInfo info) {
            ctx.writeAndFlush(new Packet.DeviceInfoAck());
            deviceInfo(info);
        } else if (packet instanceof Packet.ControlAnswer) {
            // The 0xAB answers our 0xA3 and needs no answer; the vendor asks for the mesh next.
            if (answers.announceControl() && answers.queryMesh()) {
                queryMesh(ctx);
            }
        } else {
            // Server-to-device types arriving from a device: count and carry on.
            metrics.decodeError("unexpected_direction");
        }
    }

    /** 0xA3 once, as the vendor does before its first command; the mesh query follows its 0xAB. */
    private void afterHello(ChannelHandlerContext ctx) {
        if (answers.announceControl()) {
            // Two "random" bytes then 00: derived from the connection id, so runs are repeatable.
            int nonce = (int) ((session.connectionId() * 0x9E3779B1L) & 0xFFFF) << 8;
            ctx.writeAndFlush(new Packet.Control(session.deviceId(), nonce));
            session.controlAnnounced();
        } else if (answers.queryMesh()) {
            queryMesh(ctx);
        }
    }

    private void queryMesh(ChannelHandlerContext ctx) {
        if (!meshQueried) {
            meshQueried = true;
            ctx.writeAndFlush(MeshQuery.request(session.deviceId(), 0, MESH_QUERY_SEQUENCE));
        }
    }

    /** A device 0x7B: the receipt for one of our 0x73s. The vendor sends nothing back. */
    private void receipt(Packet.CommandAck receipt) {
        AckWaiter waiter = session.waiterFor(receipt.key().bits());
        if (waiter != null) {
            waiter.onAck(session.clock().nanoTime());
        } else if (!(meshQueried && receipt.key().bits() == AckKey.pack(session.deviceId().value(), 0))) {
            server.unmatchedAck();
        }
    }

    /** A device 0x73: an execution ack or a mesh-query answer. Each gets a 0x7B receipt, as the vendor sends. */
    private void deviceCommand(ChannelHandlerContext ctx, Packet.Command c) {
        ctx.writeAndFlush(Packets.receipt(c.key()));
        if (!c.checksumValid()) {
            server.decodeErrorSeen();
            metrics.decodeError(DecodeError.BAD_CHECKSUM.label());
            return;
        }
        InnerFrame f = c.frame().orElseThrow();
        if (f.frameClass() != InnerFrame.ANSWER) {
            metrics.decodeError("unexpected_direction");
            return;
        }
        if (f.opcode() == InnerFrame.OP_MESH_QUERY && f.sequence() == MESH_QUERY_SEQUENCE) {
            MeshQuery.answer(c).ifPresent(entries -> {
                for (MeshQuery.Entry e : entries) {
                    if (e.meshId() != session.ownMeshId()) {
                        session.relaying(e.meshId());
                    }
                    server.registry().states().listed(session.deviceId(), e.meshId(), e.on(), e.brightness(),
                            e.colorTemp(), session.clock().instant());
                }
            });
            return;
        }
        AckWaiter waiter = session.waiterForSequence(f.sequence());
        if (waiter == null || !waiter.onExecuted(f.opcode(), session.clock().nanoTime())) {
            server.unmatchedAck();
        }
    }

    private void status(ChannelHandlerContext ctx, Packet.Status status) {
        ctx.write(new Packet.StatusAck(status.sequenceField()));
        if (session.controlled()) {
            // The vendor trace: on a controlled session each 0x83 also gets a 0x7B, keyed with the
            // connection's endpoint and the report's bytes 9..11 (docs/protocol.md names only device 0x73s).
            ctx.write(Packets.receipt(AckKey.of(session.deviceId(), status.sequenceField())));
        }
        ctx.flush();
        if (!status.checksumValid()) {
            server.decodeErrorSeen();
            metrics.decodeError(DecodeError.BAD_CHECKSUM.label());
            return;
        }
        StatusKey key = new StatusKey(status.deviceId().value(), status.sequenceField(), status.bytes().hashCode());
        if (statusSeen.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        StatusReport r = status.report();
        if (r.kind() == StatusReport.Kind.OWN_STATE) {
            session.ownMeshId(r.meshId());
            server.registry().states().ownStatus(session.deviceId(), r, session.clock().instant());
        } else if (r.kind() == StatusReport.Kind.FIRMWARE && r.firmware() != null && session.ownMeshId() >= 0) {
            server.registry().states().firmware(session.ownMeshId(), r.firmware());
        }
    }

    private void deviceInfo(Packet.DeviceInfo info) {
        for (StateEntry e : info.entries()) {
            if (e.own()) {
                session.ownMeshId(e.meshId());
            } else {
                session.relaying(e.meshId());
            }
            server.registry().states().entry(session.deviceId(), e, session.clock().instant());
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
