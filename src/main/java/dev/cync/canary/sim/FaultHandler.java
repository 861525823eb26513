package dev.cync.canary.sim;

import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.protocol.PacketDecodeException;
import dev.cync.canary.time.Clock;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Sits between a simulated device's codec and the device itself and does to each packet what
 * {@link Faults} says, in both directions. Randomness comes from a per-device seeded generator, so a
 * run's fault pattern is reproducible per device (timing on real sockets still varies).
 *
 * <p>Reordering spares the device's handshake (hello, connect notice, device info): a TCP stream
 * never reorders bytes, so what reorders in practice is a device answering commands out of order,
 * not a device whose connect notice overtakes its hello (which the server rightly refuses).
 *
 * <p>Outbound corruption writes the corrupted bytes raw, so the server's decoder sees exactly what a
 * flipped bit on the wire would give it; inbound corruption re-decodes the corrupted bytes and drops
 * what no longer decodes, as the device's own decoder would.
 */
final class FaultHandler extends ChannelDuplexHandler {

    private final Faults faults;
    private final Random random;
    private final long latencyNanos;
    private final long jitterNanos;
    private final Clock clock;
    /** Per direction, the in-order packets waiting: jitter delays a stream but never reorders it. */
    private final DelayLine inboundLine = new DelayLine();

    private final DelayLine outboundLine = new DelayLine();

    FaultHandler(Faults faults, long seed, Clock clock) {
        this.faults = faults;
        this.clock = clock;
        this.random = new Random(seed);
        this.latencyNanos = faults.latency().toNanos();
        this.jitterNanos = faults.jitter().toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Packet packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (hit(faults.loss())) {
            return;
        }
        if (hit(faults.corrupt())) {
            byte[] bytes = PacketCodec.encode(packet);
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            try {
                packet = PacketCodec.decode(bytes);
            } catch (PacketDecodeException e) {
                return;
            }
        }
        int copies = hit(faults.duplicate()) ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            Packet p = packet;
            deliver(ctx, () -> ctx.fireChannelRead(p), true, true);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Packet packet)) {
            ctx.write(msg, promise);
            return;
        }
        promise.setSuccess();
        if (hit(faults.loss())) {
            return;
        }
        Object out = packet;
        if (hit(faults.corrupt())) {
            byte[] bytes = PacketCodec.encode(packet);
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            out = bytes;
        }
        int copies = hit(faults.duplicate()) ? 2 : 1;
        boolean handshake = packet instanceof Packet.Hello
                || packet instanceof Packet.Connect
                || packet instanceof Packet.DeviceInfo;
        for (int i = 0; i < copies; i++) {
            Object o = out instanceof byte[] b ? ctx.alloc().buffer(b.length).writeBytes(b) : out;
            deliver(ctx, () -> ctx.writeAndFlush(o), !handshake, false);
        }
    }

    private void deliver(ChannelHandlerContext ctx, Runnable action, boolean mayReorder, boolean inbound) {
        long delay = latencyNanos;
        if (jitterNanos > 0) {
            delay += (long) (random.nextDouble() * jitterNanos);
        }
        if (mayReorder && hit(faults.reorder())) {
            // Held back outside the line, long enough that the packets after it overtake it.
            delay += Math.max(2 * latencyNanos, TimeUnit.MILLISECONDS.toNanos(5)) + jitterNanos;
            ctx.executor().schedule(action, delay, TimeUnit.NANOSECONDS);
        } else if (delay <= 0 && (inbound ? inboundLine : outboundLine).isEmpty()) {
            action.run();
        } else {
            (inbound ? inboundLine : outboundLine).add(ctx, clock.nanoTime() + delay, action);
        }
    }

    /**
     * Packets of one direction in the order they were sent, each with the time it is due; one
     * timer, for the head. A packet is never delivered before one sent ahead of it.
     */
    private final class DelayLine {
        private record Entry(long due, Runnable action) {}

        private final ArrayDeque<Entry> waiting = new ArrayDeque<>();

        boolean isEmpty() {
            return waiting.isEmpty();
        }

        void add(ChannelHandlerContext ctx, long due, Runnable action) {
            boolean wasEmpty = waiting.isEmpty();
            waiting.addLast(new Entry(due, action));
            if (wasEmpty) {
                arm(ctx);
            }
        }

        private void arm(ChannelHandlerContext ctx) {
            long due = waiting.peekFirst().due();
            ctx.executor().schedule(() -> drain(ctx), Math.max(0, due - clock.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void drain(ChannelHandlerContext ctx) {
            long now = clock.nanoTime();
            while (!waiting.isEmpty() && waiting.peekFirst().due() <= now) {
                waiting.pollFirst().action().run();
            }
            if (!waiting.isEmpty()) {
                arm(ctx);
            }
        }
    }

    private boolean hit(double rate) {
        return rate > 0 && random.nextDouble() < rate;
    }
}
