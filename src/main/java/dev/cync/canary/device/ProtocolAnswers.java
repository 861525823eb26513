package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.MeshQuery;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Packets;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job: answer the device as the vendor's cloud does (PROTOCOL.md revision 2): 0x23 -> 0x28 and,
 * after the first, one 0xA3; 0xAB -> one mesh query; 0xC3 -> 0xC8; 0x43 -> 0x48; 0x83 -> 0x88 (and a
 * 0x7B once controlled); 0xD3 -> 0xD8; device 0x73 -> a 0x7B receipt; device 0x7B -> nothing. Every
 * packet then goes on: receipts and execution acks to {@link AckMatcher}, reports to
 * {@link StatusDedup} and {@link StateReports}. Writes inside a read are flushed once per read
 * batch by the pipeline's flush consolidation. Confined to the channel's event loop.
 */
final class ProtocolAnswers extends ChannelInboundHandlerAdapter {

    /**
     * The inner sequence (and field {@code 00 00 00}) of the session's own mesh query: outside the
     * 1..255 the transports' sequence allocator hands out, so its answers never meet a command's.
     */
    static final int MESH_QUERY_SEQUENCE = 0;

    private final DeviceSession session;
    private final SessionAnswers answers;
    private final Metrics metrics;
    private boolean helloSeen;

    ProtocolAnswers(DeviceSession session, SessionAnswers answers, Metrics metrics) {
        this.session = session;
        this.answers = answers;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.Hello) {
            ctx.writeAndFlush(new Packet.HelloAck());
            if (!helloSeen) {
                helloSeen = true;
                afterHello(ctx);
            }
        } else if (msg instanceof Packet.Heartbeat) {
            ctx.writeAndFlush(new Packet.HeartbeatAck());
        } else if (msg instanceof Packet.CommandAck) {
            // A device 0x7B answers one of our 0x73s: the vendor sends nothing back.
        } else if (msg instanceof Packet.Command c) {
            ctx.writeAndFlush(Packets.receipt(c.key()));
        } else if (msg instanceof Packet.Status status) {
            ctx.write(new Packet.StatusAck(status.sequenceField()));
            if (session.controlled()) {
                // The vendor trace: on a controlled session each 0x83 also gets a 0x7B, keyed with the
                // connection's endpoint and the report's bytes 9..11 (PROTOCOL.md names only device 0x73s).
                ctx.write(Packets.receipt(AckKey.of(session.deviceId(), status.sequenceField())));
            }
            ctx.flush();
        } else if (msg instanceof Packet.Connect) {
            ctx.writeAndFlush(Packets.serverTime(session.clock().zonedNow()));
        } else if (msg instanceof Packet.DeviceInfo) {
            ctx.writeAndFlush(new Packet.DeviceInfoAck());
        } else if (msg instanceof Packet.ControlAnswer) {
            // The 0xAB answers our 0xA3 and needs no answer; the vendor asks for the mesh next.
            if (answers.announceControl() && answers.queryMesh()) {
                queryMesh(ctx);
            }
        } else {
            // Server-to-device types arriving from a device: count and carry on.
            metrics.decodeError("unexpected_direction");
            return;
        }
        ctx.fireChannelRead(msg);
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
        if (session.meshQuerySent()) {
            ctx.writeAndFlush(MeshQuery.request(session.deviceId(), 0, MESH_QUERY_SEQUENCE));
        }
    }
}
