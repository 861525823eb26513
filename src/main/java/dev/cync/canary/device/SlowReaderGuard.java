package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;

/**
 * One job: a peer that does not read its answers stops being read. When the connection's outbound
 * buffer passes the high-water mark, reading pauses (so every further packet it sends waits in the
 * kernel, not in our memory, and is not answered); when the buffer drains below the low-water mark,
 * reading resumes. A peer that is unwritable again (or still) {@code slowReaderTimeout} after it
 * first became so is closed and counted as {@code slow_reader}: the deadline is not reset when the
 * buffer drains for a moment, since a peer that reads a few bytes now and then (or a kernel buffer
 * that grows) would otherwise never reach it. A peer writable at the deadline is left alone, and
 * its next stall starts a new one. Without this, a client that never reads but keeps sending heartbeats grows
 * the controller by the size of every answer it ignores. Confined to the channel's event loop.
 */
final class SlowReaderGuard extends ChannelInboundHandlerAdapter {

    private final Scheduler scheduler;
    private final Duration timeout;
    private final Metrics metrics;
    private Scheduler.Cancellable deadline;

    SlowReaderGuard(Scheduler scheduler, Duration timeout, Metrics metrics) {
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        } else {
            ctx.channel().config().setAutoRead(false);
            if (deadline == null) {
                deadline = scheduler.schedule(
                        () -> {
                            deadline = null;
                            if (ctx.channel().isActive() && !ctx.channel().isWritable()) {
                                metrics.connectionFailure("slow_reader");
                                ctx.close();
                            }
                        },
                        timeout);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }
}
