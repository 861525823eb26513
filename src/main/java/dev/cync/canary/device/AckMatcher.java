package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.InnerFrame;
import dev.cync.canary.protocol.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job: hand the device's answers to the commands waiting for them on this connection. A 0x7B
 * receipt goes to the command whose key it echoes; an execution ack (a device 0x73 of class f9 with
 * a valid checksum) to the command with its inner sequence and opcode. Mesh-query answers go on to
 * {@link StateReports}; anything that matches nothing is counted.
 *
 * <p>The guard: the inner sequence byte is outside the inner checksum, so one flipped bit could make
 * one command's execution ack name another in flight on the same connection with the same opcode
 * (class, opcode and body, which the checksum covers, are then equal). A device writes the receipt
 * of a command right after its execution ack, and the receipt's key names the command's sequence a
 * second time. So an execution ack is held until the next packet of the same read: when that is a
 * receipt naming a different command that still waits for an execution ack with this opcode, the
 * two disagree and the ack is ignored and counted ({@code tcp_comm_ambiguous_acks_total}); the
 * reliable transport sends again, legacy reports what it saw. Otherwise (the receipt agrees, another
 * packet comes, or the read ends) the ack is delivered, so nothing waits longer than the read it
 * arrived in, and an ack whose receipt was lost still counts. Confined to the channel's event loop.
 */
final class AckMatcher extends ChannelInboundHandlerAdapter {

    private final DeviceSession session;
    private final SessionEvents events;
    private final Metrics metrics;
    /** An execution ack waiting for the next packet of its read: its sequence, or -1 when none waits. */
    private int heldSequence = -1;

    private int heldOpcode;

    AckMatcher(DeviceSession session, SessionEvents events, Metrics metrics) {
        this.session = session;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.CommandAck receipt) {
            checkHeldAgainst(receipt);
            receipt(receipt);
            return;
        }
        deliverHeld();
        if (msg instanceof Packet.Command c) {
            deviceCommand(ctx, c);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deliverHeld();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deliverHeld();
        ctx.fireChannelInactive();
    }

    /** A device 0x7B: the receipt for one of our 0x73s. */
    private void receipt(Packet.CommandAck receipt) {
        AckWaiter waiter = session.waiterFor(receipt.key().bits());
        if (waiter != null) {
            waiter.onAck(session.clock().nanoTime());
        } else if (!(session.meshQueried()
                && receipt.key().bits()
                        == AckKey.pack(session.deviceId().value(), ProtocolAnswers.MESH_QUERY_SEQUENCE))) {
            events.unmatchedAck();
        }
    }

    /** A device 0x73: an execution ack or a mesh-query answer (its receipt is already written). */
    private void deviceCommand(ChannelHandlerContext ctx, Packet.Command c) {
        if (!c.checksumValid()) {
            events.badChecksum();
            return;
        }
        InnerFrame f = c.frame().orElseThrow();
        if (f.frameClass() != InnerFrame.ANSWER) {
            metrics.decodeError("unexpected_direction");
            return;
        }
        if (f.opcode() == InnerFrame.OP_MESH_QUERY && f.sequence() == ProtocolAnswers.MESH_QUERY_SEQUENCE) {
            ctx.fireChannelRead(c);
            return;
        }
        heldSequence = f.sequence();
        heldOpcode = f.opcode();
    }

    /** The receipt right after an execution ack: does it name another command waiting for this very ack? */
    private void checkHeldAgainst(Packet.CommandAck receipt) {
        if (heldSequence < 0) {
            return;
        }
        int named = session.sequenceOf(receipt.key().bits());
        if (named >= 0 && named != heldSequence && session.awaitsExecution(named, heldOpcode)) {
            heldSequence = -1;
            events.ambiguousAck();
            return;
        }
        deliverHeld();
    }

    private void deliverHeld() {
        if (heldSequence < 0) {
            return;
        }
        int seq = heldSequence;
        heldSequence = -1;
        AckWaiter waiter = session.waiterForSequence(seq);
        if (waiter == null || !waiter.onExecuted(heldOpcode, session.clock().nanoTime())) {
            events.unmatchedAck();
        }
    }
}
