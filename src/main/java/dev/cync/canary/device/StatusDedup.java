package dev.cync.canary.device;

import dev.cync.canary.protocol.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job: a 0x83 status report reaches the state model once. A mesh broadcast arrives through
 * every bridge that hears it, and a device repeats a report it thinks was lost; the server-wide
 * {@link RecentStatuses} remembers (device, bytes 9..11, content) for a while and drops repeats. Only intact
 * reports are remembered: one with a wrong inner checksum is counted as a decode error and dropped
 * here (it was answered all the same, as the vendor does). Other packets pass. The table is shared
 * by every connection and thread-safe; the handler is per connection.
 */
final class StatusDedup extends ChannelInboundHandlerAdapter {

    private final RecentStatuses seen;
    private final SessionEvents events;
    private final dev.cync.canary.time.Clock clock;

    StatusDedup(RecentStatuses seen, SessionEvents events, dev.cync.canary.time.Clock clock) {
        this.seen = seen;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.Status status) {
            if (!status.checksumValid()) {
                events.badChecksum();
                return;
            }
            if (!seen.firstSighting(
                    status.deviceId().value(),
                    status.sequenceField(),
                    status.bytes().hashCode(),
                    clock.nanoTime())) {
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
