package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One job: admission of a new connection before it costs anything. Three budgets: all connections
 * ({@code maxConnections}, refused as {@code too_many_connections}); connections that have not said hello yet ({@code
 * maxPendingHellos}, freed by {@link #helloAccepted} or the close), so a crowd of silent
 * connections cannot keep real devices out; and connections per source address ({@code
 * maxConnectionsPerAddress}; loopback exempt), so one host cannot take all of either. A refused
 * connection is closed at once and counted in {@code tcp_comm_connection_failures_total} as
 * {@code pending_hello_limit} or {@code address_limit}.
 *
 * <p>Shared by every connection of the server: the counters are atomic, and each channel's own
 * state sits in its attributes (touched only on its event loop).
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> PENDING = AttributeKey.valueOf("cync.pendingHello");
    private static final AttributeKey<InetAddress> COUNTED_ADDRESS = AttributeKey.valueOf("cync.countedAddress");
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("cync.countedConnection");

    private final DeviceGuardConfig config;
    private final Metrics metrics;
    private final int maxConnections;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionAdmission(DeviceGuardConfig config, int maxConnections, Metrics metrics) {
        this.config = config;
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address != null && !address.isLoopbackAddress() && config.maxConnectionsPerAddress() > 0) {
            AtomicInteger n = perAddress.computeIfAbsent(address, k -> new AtomicInteger());
            ctx.channel().attr(COUNTED_ADDRESS).set(address);
            if (n.incrementAndGet() > config.maxConnectionsPerAddress()) {
                refuse(ctx, "address_limit");
                return;
            }
        }
        ctx.channel().attr(PENDING).set(Boolean.TRUE);
        if (pending.incrementAndGet() > config.maxPendingHellos()) {
            refuse(ctx, "pending_hello_limit");
            return;
        }
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        if (active.incrementAndGet() > maxConnections) {
            // The message an operator needs is in the debug log: raise server.maxConnections if the fleet is that
            // large.
            refuse(ctx, "too_many_connections");
            return;
        }
        ctx.fireChannelActive();
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        metrics.connectionFailure(reason);
        ctx.channel().config().setAutoRead(false);
        ctx.close();
    }

    /** The connection's hello was accepted: it no longer counts against the pending budget. Event loop only. */
    void helloAccepted(Channel ch) {
        if (ch.attr(PENDING).getAndSet(null) != null) {
            pending.decrementAndGet();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        helloAccepted(ctx.channel());
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            active.decrementAndGet();
        }
        InetAddress address = ctx.channel().attr(COUNTED_ADDRESS).getAndSet(null);
        if (address != null) {
            perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        ctx.fireChannelInactive();
    }

    /** Connections that have not said hello, now. */
    int pending() {
        return pending.get();
    }
}
