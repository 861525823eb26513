package dev.cync.canary.sim;

import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.PowerCommand;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One simulated device on one connection: says hello, sends its connect notice and device info,
 * heartbeats, answers each 0x73 with a 0x7B echoing its key, and broadcasts a 0x83 when its state
 * changes. It drops commands whose checksum is wrong, as a real device would.
 *
 * <p>Duplicates: the device remembers the keys it applied within {@code dedupWindow} and applies a
 * repeated one only once (acknowledging it again). With {@code dedup} off it applies every copy
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
    private int statusSeq;

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
        ctx.writeAndFlush(Packets.deviceInfo(member.id()));
        heartbeat = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new Packet.Heartbeat()),
                heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
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
        }
        // Acks of the device's own packets (0x28, 0xC8, 0x48, 0x88, 0xD8, 0x78) need no answer.
    }

    private void command(ChannelHandlerContext ctx, Packet.Command c) {
        stats.commandsReceived.increment();
        if (!c.checksumValid()) {
            stats.badChecksumDropped.increment();
            return;
        }
        Optional<PowerCommand> power = c.power();
        if (power.isEmpty() || !power.get().deviceId().equals(member.id())) {
            return;
        }
        long now = member.clock().nanoTime();
        long key = c.key().bits();
        int slot = (int) ((key >>> 8) & 0xFF);
        boolean repeat = appliedKey[slot] == key && appliedAt[slot] != 0 && now - appliedAt[slot] < dedupWindowNanos;
        if (repeat && dedup) {
            stats.duplicatesSuppressed.increment();
        } else {
            if (repeat) {
                stats.duplicateApplications.increment();
            }
            appliedKey[slot] = key;
            appliedAt[slot] = now == 0 ? 1 : now;
            stats.applied.increment();
            boolean changed = member.apply(power.get().on());
            if (changed) {
                ctx.write(Packets.powerStatus(member.id(), ++statusSeq & 0xFF, power.get().on()));
            }
        }
        ctx.writeAndFlush(new Packet.CommandAck(new AckKey(key)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    DeviceId id() {
        return member.id();
    }
}
