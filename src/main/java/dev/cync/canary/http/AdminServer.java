package dev.cync.canary.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.device.NettyTransports;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.support.Json;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP listener (Netty's HTTP/1.1 codec on its own small event loop group, apart from the
 * device server's, so a device flood cannot slow {@code /metrics} and an HTTP flood cannot slow
 * devices). It serves whatever its {@link HttpRouter} holds: {@code /metrics} and {@code /healthz}
 * ({@link #monitoringRoutes}), the admin API, later routes. The pipeline of a connection, top to
 * bottom: {@link HttpConnectionLimit}, TLS (when configured), the HTTP codec (request line and
 * headers bounded), {@link HttpDeadlines}, the aggregator (body bounded by {@code maxBodyBytes};
 * 413 beyond), {@link HttpDispatcher}. Nothing here blocks an I/O thread, so half-sent requests
 * cost a connection slot each until their deadline and nothing more.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Request line and header bounds: generous for curl, Prometheus and browsers, small for an attacker. */
    static final int MAX_INITIAL_LINE = 4096;

    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final ObjectMapper HEALTH_JSON = Json.mapper();

    private final String host;
    private final int requestedPort;
    private final HttpServerConfig config;
    private final SslContext ssl;
    private final String serves;
    private final Metrics metrics;
    private final HttpConnectionLimit limit;
    private final HttpDispatcher dispatcher;
    private final ThreadPoolExecutor apiPool;
    private final ChannelGroup channels = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private Channel server;

    /**
     * @param ssl the TLS context, or null for plaintext
     * @param serves what this listener serves, for the start log line ("/metrics, /healthz, /api")
     */
    public AdminServer(
            String host,
            int port,
            HttpRouter router,
            HttpServerConfig config,
            SslContext ssl,
            String serves,
            Metrics metrics) {
        this.host = host;
        this.requestedPort = port;
        this.config = config;
        this.ssl = ssl;
        this.serves = serves;
        this.metrics = metrics;
        this.limit = new HttpConnectionLimit(config.maxConnections(), metrics);
        AtomicInteger n = new AtomicInteger();
        this.apiPool = new ThreadPoolExecutor(
                config.apiThreads(), config.apiThreads(), 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
                    Thread t = new Thread(r, "admin-api-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.dispatcher = new HttpDispatcher(router, apiPool);
    }

    /** Adds {@code GET /metrics} (Prometheus text format) and {@code GET /healthz}, both open. */
    public static void monitoringRoutes(HttpRouter router, Metrics metrics, Supplier<Map<String, Object>> health) {
        router.add("GET", "/metrics", Access.OPEN, call -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            metrics.writeText(body);
            return new HttpReply(200, metrics.contentType(), body.toByteArray(), Map.of());
        });
        healthRoute(router, health);
    }

    /**
     * Adds the open {@code GET /healthz}, reporting {@code health} (e.g. {@code {"status":"ok"}}). Always
     * 200 while the process serves: a controller whose state is not yet on disk must not be restarted
     * for it, since a restart would lose the only copy.
     */
    public static void healthRoute(HttpRouter router, Supplier<Map<String, Object>> health) {
        router.add("GET", "/healthz", Access.OPEN, call -> {
            try {
                return HttpReply.of(200, HttpReply.JSON, HEALTH_JSON.writeValueAsString(health.get()) + "\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise the health report", e);
            }
        });
    }

    /** The admin API's TLS context from {@code http.certFile}/{@code http.keyFile}, or null when none is set. */
    public static SslContext tls(HttpServerConfig config) {
        if (config.certFile().isEmpty()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(
                            config.certFile().get().toFile(),
                            config.keyFile().get().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "http.certFile " + config.certFile().get() + " / http.keyFile "
                            + config.keyFile().get() + ": cannot be used for TLS (" + e.getMessage()
                            + "); give a PEM certificate and its PKCS#8 PEM key");
        }
    }

    public AdminServer start() throws InterruptedException {
        group = NettyTransports.group(1, "admin-http");
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NettyTransports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("limit", limit);
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
                        p.addLast(
                                "deadlines", new HttpDeadlines(config.headerTimeout(), config.bodyTimeout(), metrics));
                        p.addLast("aggregate", new BoundedAggregator(config.maxBodyBytes(), metrics));
                        p.addLast("dispatch", dispatcher);
                        channels.add(ch);
                    }
                });
        try {
            server = b.bind(new InetSocketAddress(host, requestedPort)).sync().channel();
        } catch (Exception e) {
            close();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalArgumentException(
                    "cannot listen for HTTP on " + host + ":" + requestedPort + ": " + e.getMessage()
                            + " (is another controller running? choose another port with --http-port, or 0 for a free one)");
        }
        log.info("HTTP{} on {}:{} ({})", ssl == null ? "" : "S", host, port(), serves);
        return this;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections open now (for tests and the limit). */
    int openConnections() {
        return limit.open();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        apiPool.shutdownNow();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The aggregator, counting the bodies it refuses as too large (it answers them 413 itself). */
    private static final class BoundedAggregator extends HttpObjectAggregator {
        private final Metrics metrics;

        BoundedAggregator(int maxBody, Metrics metrics) {
            super(maxBody);
            this.metrics = metrics;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            metrics.apiRejected("too_large");
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
