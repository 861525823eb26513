package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.CyncFrameDecoder;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.ExecutorScheduler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP server devices connect to: a plaintext port and a TLS port, one {@link DeviceSession}
 * per connection, built by {@link DevicePipeline} (the same pipeline the tests use). The listening
 * sockets carry {@link AcceptErrors}.
 */
public final class DeviceServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeviceServer.class);
    /** Above this many unsent bytes a connection reports itself unwritable, and transports hold back. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(8 * 1024, 32 * 1024);

    private final DeviceServerConfig config;
    private final DeviceGuardConfig guards;
    private final ConnectionAdmission admission;
    private final AcceptErrors acceptErrors;
    private AuthCodes authCodes;
    private final Clock clock;
    private final Metrics metrics;
    private final DeviceRegistry registry = new DeviceRegistry();
    private final RecentStatuses statusSeen;
    private final AtomicLong connectionIds = new AtomicLong();
    private final DeviceCounters counters;
    private final ChannelGroup channels = new DefaultChannelGroup("devices", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private final SessionAnswers answers;
    private Channel plainChannel;
    private Channel tlsChannel;

    public DeviceServer(DeviceServerConfig config, Clock clock, Metrics metrics) {
        this(config, DeviceGuardConfig.defaults(), clock, metrics, SessionAnswers.vendor());
    }

    public DeviceServer(DeviceServerConfig config, DeviceGuardConfig guards, Clock clock, Metrics metrics) {
        this(config, guards, clock, metrics, SessionAnswers.vendor());
    }

    public DeviceServer(DeviceServerConfig config, Clock clock, Metrics metrics, SessionAnswers answers) {
        this(config, DeviceGuardConfig.defaults(), clock, metrics, answers);
    }

    public DeviceServer(
            DeviceServerConfig config, DeviceGuardConfig guards, Clock clock, Metrics metrics, SessionAnswers answers) {
        this.answers = answers;
        this.config = config;
        this.guards = guards;
        this.admission = new ConnectionAdmission(guards, config.maxConnections(), metrics);
        this.acceptErrors = new AcceptErrors(metrics);
        this.clock = clock;
        this.metrics = metrics;
        this.statusSeen = new RecentStatuses(
                config.statusDedupSize(), config.statusDedupTtl().toNanos());
        this.counters = new DeviceCounters(metrics);
        metrics.gauge(Metrics.CONNECTED_DEVICES, "Devices connected now (after their hello).", registry::size);
        metrics.gauge(
                Metrics.RECV_QUEUE_SIZE,
                "Bytes received from devices and held until the rest of their packet arrives.",
                this::bufferedBytes);
    }

    /** Binds the plaintext port, and the TLS port unless it is -1. Port 0 picks a free port. */
    public DeviceServer start() throws IOException, InterruptedException {
        authCodes = AuthCodes.open(guards.allowListFile(), config.stateDir());
        DescriptorLimit.current()
                .flatMap(limit -> DescriptorLimit.advice(config.maxConnections(), limit))
                .ifPresent(log::warn);
        int threads = config.workerThreads() > 0
                ? config.workerThreads()
                : Runtime.getRuntime().availableProcessors();
        boss = NettyTransports.group(1, "device-accept");
        workers = NettyTransports.group(threads, "device-io");
        plainChannel = bind(config.plainPort(), null);
        if (config.tlsPort() >= 0) {
            tlsChannel = bind(config.tlsPort(), sslContext());
        }
        log.info(
                "device server listening ({}): plaintext {}:{}{}",
                NettyTransports.name(),
                config.host(),
                plainPort(),
                tlsChannel == null ? " (TLS off)" : ", TLS " + config.host() + ":" + tlsPort());
        return this;
    }

    private SslContext sslContext() throws IOException {
        if (config.certFile().isPresent()) {
            return SslContextBuilder.forServer(
                            config.certFile().get().toFile(),
                            config.keyFile().get().toFile())
                    .build();
        }
        SelfSignedCertificate cert = SelfSignedCertificate.loadOrCreate(config.stateDir(), clock.instant());
        log.info("TLS port uses the self-signed certificate {}", cert.certFile().toAbsolutePath());
        return SslContextBuilder.forServer(
                        cert.certFile().toFile(), cert.keyFile().toFile())
                .build();
    }

    private Channel bind(int port, SslContext ssl) throws InterruptedException {
        DevicePipeline pipeline = pipeline(authCodes);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NettyTransports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(acceptErrors)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.init(ch, ssl, new ExecutorScheduler(ch.eventLoop()));
                        channels.add(ch);
                    }
                });
        try {
            return b.bind(new InetSocketAddress(config.host(), port)).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Netty's epoll bind error is no BindException and carries a trace: one line naming the port instead.
            close();
            throw new IllegalArgumentException(
                    "cannot listen for devices on " + config.host() + ":" + port + " ("
                            + (ssl == null ? "server.plainPort" : "server.tlsPort") + "): " + e.getMessage()
                            + "; is another controller running? free the port or choose another (--device-port, --tls-port, 0 for a free one)");
        }
    }

    public int plainPort() {
        return ((InetSocketAddress) plainChannel.localAddress()).getPort();
    }

    /** The bound TLS port, or -1 when TLS is off. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    public DeviceRegistry registry() {
        return registry;
    }

    /** Whole packets received from devices since start (the decode error rate's denominator). */
    public long packetsReceived() {
        return counters.packetsReceived();
    }

    /** Decode errors since start, every reason. */
    public long decodeErrors() {
        return counters.decodeErrors();
    }

    /** Receipts and execution acks that matched no command ever sent on their connection. */
    public long unmatchedAcks() {
        return counters.unmatchedAcks();
    }

    /** Execution acks ignored because the receipt sent with them named another waiting command ({@link AckMatcher}). */
    public long ambiguousAcks() {
        return counters.ambiguousAcks();
    }

    /** The connection pipeline of this server with {@code codes} deciding hellos; the tests' in-memory channels use it too. */
    DevicePipeline pipeline(AuthCodes codes) {
        return new DevicePipeline(
                config,
                guards,
                admission,
                codes,
                registry,
                counters,
                statusSeen,
                answers,
                clock,
                metrics,
                connectionIds);
    }

    @Override
    public void close() {
        if (plainChannel != null) {
            plainChannel.close().syncUninterruptibly();
        }
        if (tlsChannel != null) {
            tlsChannel.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (authCodes != null) {
            authCodes.close();
        }
        if (workers != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    DeviceServerConfig config() {
        return config;
    }

    private double bufferedBytes() {
        long sum = 0;
        for (Channel ch : channels) {
            CyncFrameDecoder d = ch.pipeline().get(CyncFrameDecoder.class);
            if (d != null) {
                sum += d.bufferedBytes();
            }
        }
        return sum;
    }
}
