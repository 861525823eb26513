package dev.cync.canary.sim;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.InnerFrame;
import dev.cync.canary.protocol.MeshCommand;
import dev.cync.canary.protocol.MeshQuery;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.protocol.StatusReport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One simulated device on one connection, behaving as the vendor trace shows a plug does: hello,
 * connect notice and a 0x43 with its own state entry (and, for a bridge, the entry of the device
 * it relays); heartbeats, with a 0x43 every third one; 0xA3 -> 0xAB; mesh query -> receipt and an
 * {@code f9 52} answer. For a command it carries out: an execution ack (class f9, the command's
 * opcode and inner sequence) and the receipt in one write, then, when the state changed, a 0x83
 * own-state report and a 0x43 own entry. For a command it does not carry out (a target it does not
 * know, a setting its type does not take, or one picked by {@code --not-executed}): the receipt
 * only, every time it is resent. It drops commands whose checksum is wrong, as a real device would.
 *
 * <p>Duplicates: the device remembers the keys it applied within {@code dedupWindow} and applies a
 * repeated one only once (answering it again). With {@code dedup} off it applies every copy
 * and counts each repeat as a duplicate application, which is what a fleet without device-side
 * dedup would suffer; the counter is how the benchmarks prove the protocol keeps it at zero.
 */
final class SimDevice extends SimpleChannelInboundHandler<Packet> {

    private final Fleet.Member member;
    private final SimStats stats;
    private final long heartbeatNanos;
    private final boolean dedup;
    private final long dedupWindowNanos;
    /**
     * When each key was last applied, by the key's sequence byte: a device's keys differ only there
     * (its id is fixed), so 256 slots remember every key there can be. Event-loop confined.
     */
    private final long[] appliedAt = new long[256];

    private final long[] appliedKey = new long[256];
    private ScheduledFuture<?> heartbeat;
    private int counter;
    private int beats;
    /** Whether the server answered our first 0x43 with its 0x48; until then the 0x43 is sent again. */
    private boolean infoAcked;

    SimDevice(Fleet.Member member, SimStats stats, long heartbeatNanos, boolean dedup, long dedupWindowNanos) {
        this.member = member;
        this.stats = stats;
        this.heartbeatNanos = heartbeatNanos;
        this.dedup = dedup;
        this.dedupWindowNanos = dedupWindowNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats.connects.increment();
        ctx.write(new Packet.Hello(member.id(), member.authCode()));
        ctx.write(new Packet.Connect());
        if (member.meshId() > 0xFF) {
            // A 0x43 entry has one byte for the mesh id: a device with a larger one reports itself in a 0x83.
            ctx.write(ownStatus(0));
        }
        ctx.writeAndFlush(info(true));
        resendInfoUntilAcked(ctx, 5);
        heartbeat = ctx.executor()
                .scheduleAtFixedRate(
                        () -> {
                            ctx.write(new Packet.Heartbeat());
                            if (++beats % 3 == 0) {
                                ctx.write(info(true));
                            }
                            ctx.flush();
                        },
                        heartbeatNanos,
                        heartbeatNanos,
                        TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    /** A lost first 0x43 would leave the server without the device's mesh id until the periodic one. */
    private void resendInfoUntilAcked(ChannelHandlerContext ctx, int left) {
        ctx.executor()
                .schedule(
                        () -> {
                            if (!infoAcked && left > 0 && ctx.channel().isActive()) {
                                if (member.meshId() > 0xFF) {
                                    ctx.write(ownStatus(0));
                                }
                                ctx.writeAndFlush(info(true));
                                resendInfoUntilAcked(ctx, left - 1);
                            }
                        },
                        300,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stats.disconnects.increment();
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        member.disconnected();
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Packet packet) {
        if (packet instanceof Packet.Command c) {
            command(ctx, c);
        } else if (packet instanceof Packet.DeviceInfoAck) {
            infoAcked = true;
        } else if (packet instanceof Packet.Control control) {
            ctx.writeAndFlush(Packets.controlAnswer(member.id(), control.nonce()));
        }
        // 0x28, 0xC8, 0x88, 0xD8, 0x78 and the server's 0x7B receipts need no answer.
    }

    private void command(ChannelHandlerContext ctx, Packet.Command c) {
        stats.commandsReceived.increment();
        if (!c.checksumValid()) {
            stats.badChecksumDropped.increment();
            return;
        }
        InnerFrame f = c.frame().orElseThrow();
        Packet.CommandAck receipt = Packets.receipt(c.key());
        if (f.frameClass() == InnerFrame.REQUEST && f.opcode() == InnerFrame.OP_MESH_QUERY) {
            ctx.write(MeshQuery.answer(member.id(), nextCounter(), f.sequence(), meshEntries()));
            ctx.writeAndFlush(receipt);
            return;
        }
        Optional<MeshCommand> parsed = c.command();
        Fleet.Member target = parsed.isEmpty() ? null : targetOf(parsed.get().target());
        if (target == null || !target.type().takes(parsed.get().setting()) || neverExecuted(c)) {
            stats.receiptOnly.increment();
            ctx.writeAndFlush(receipt);
            return;
        }
        MeshCommand cmd = parsed.get();
        long now = member.clock().nanoTime();
        long key = c.key().bits();
        int slot = (int) ((key >>> 8) & 0xFF);
        boolean repeat = appliedKey[slot] == key && appliedAt[slot] != 0 && now - appliedAt[slot] < dedupWindowNanos;
        boolean changed = false;
        if (repeat && dedup) {
            stats.duplicatesSuppressed.increment();
        } else {
            if (repeat) {
                stats.duplicateApplications.increment();
            }
            appliedKey[slot] = key;
            appliedAt[slot] = now == 0 ? 1 : now;
            stats.applied.increment();
            changed = target.apply(cmd.setting());
        }
        ctx.write(Packets.executionAck(
                member.id(), nextCounter(), cmd.sequence(), cmd.setting().opcode()));
        ctx.writeAndFlush(receipt);
        if (changed) {
            if (target == member) {
                ctx.write(ownStatus(cmd.sequence()));
            }
            ctx.writeAndFlush(info(target == member));
        }
    }

    /** The member a target reaches through this device: itself, the device it relays, or null. */
    private Fleet.Member targetOf(int meshId) {
        if (meshId == member.meshId() || meshId == MeshCommand.WHOLE_MESH) {
            return member;
        }
        Fleet.Member relayed = member.relayed();
        return relayed != null && relayed.meshId() == meshId ? relayed : null;
    }

    /**
     * Whether {@code --not-executed} picked this command: decided from its bytes and the seed, so
     * every resent copy (the same bytes) gets the same answer.
     */
    private boolean neverExecuted(Packet.Command c) {
        double rate = member.notExecutedRate();
        if (rate <= 0) {
            return false;
        }
        long h = c.bytes().hashCode() * 0x9E3779B97F4A7C15L ^ member.seed() * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (h >>> 11) * 0x1.0p-53 < rate;
    }

    private int nextCounter() {
        counter = (counter + 1) & 0xFFFF;
        return counter << 8;
    }

    private Packet.Status ownStatus(int sequence) {
        int[] rgb = member.rgb();
        return StatusReport.ownState(
                member.id(),
                nextCounter(),
                sequence,
                member.meshId(),
                true,
                member.on(),
                member.brightness(),
                member.rgbMode() ? 0xFE : member.colorTemp(),
                rgb[0],
                rgb[1],
                rgb[2]);
    }

    /** A 0x43 with the own entry (when {@code own}) and the relayed one; mesh ids above 255 do not fit and are left out. */
    private Packet.DeviceInfo info(boolean own) {
        List<StateEntry> entries = new ArrayList<>(2);
        if (own && member.meshId() <= 0xFF) {
            entries.add(entry(member, StateEntry.OWN, member.meshId()));
        }
        Fleet.Member relayed = member.relayed();
        if (relayed != null && relayed.meshId() <= 0xFF) {
            entries.add(entry(relayed, StateEntry.OWN + 1, member.meshId() & 0xFF));
        }
        return entries.isEmpty() ? Packets.deviceInfo(member.id()) : StateEntry.deviceInfo(member.id(), entries);
    }

    private static StateEntry entry(Fleet.Member m, int index, int via) {
        int[] rgb = m.rgb();
        return new StateEntry(
                index,
                m.meshId(),
                m.on(),
                m.on() ? m.brightness() : 0,
                m.rgbMode() ? 0xFE : m.colorTemp(),
                rgb[0],
                rgb[1],
                rgb[2],
                true,
                0,
                via);
    }

    private List<MeshQuery.Entry> meshEntries() {
        List<MeshQuery.Entry> out = new ArrayList<>(2);
        out.add(new MeshQuery.Entry(member.meshId(), member.on(), member.brightness(), member.colorTemp()));
        Fleet.Member relayed = member.relayed();
        if (relayed != null) {
            out.add(new MeshQuery.Entry(relayed.meshId(), relayed.on(), relayed.brightness(), relayed.colorTemp()));
        }
        return out;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    DeviceId id() {
        return member.id();
    }
}
