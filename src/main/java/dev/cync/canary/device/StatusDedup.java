package dev.cync.canary.device;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cync.canary.protocol.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job: a 0x83 status report reaches the state model once. A mesh broadcast arrives through
 * every bridge that hears it, and a device repeats a report it thinks was lost; the server-wide
 * cache remembers (device, bytes 9..11, content) for a while and drops repeats. Only intact
 * reports are remembered: one with a wrong inner checksum is counted as a decode error and dropped
 * here (it was answered all the same, as the vendor does). Other packets pass. The cache is shared
 * by every connection and thread-safe; the handler is per connection.
 */
final class StatusDedup extends ChannelInboundHandlerAdapter {

    /** Status broadcasts already applied: (device, sequence field, bytes) seen recently. */
    record StatusKey(int device, int sequenceField, int contentHash) {}

    private final Cache<StatusKey, Boolean> seen;
    private final SessionEvents events;

    StatusDedup(Cache<StatusKey, Boolean> seen, SessionEvents events) {
        this.seen = seen;
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.Status status) {
            if (!status.checksumValid()) {
                events.badChecksum();
                return;
            }
            StatusKey key = new StatusKey(status.deviceId().value(), status.sequenceField(), status.bytes().hashCode());
            if (seen.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
