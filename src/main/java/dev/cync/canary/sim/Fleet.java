package dev.cync.canary.sim;

import dev.cync.canary.device.DeviceType;
import dev.cync.canary.device.NettyTransports;
import dev.cync.canary.protocol.CyncFrameDecoder;
import dev.cync.canary.protocol.DecodeListener;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.PacketDecoder;
import dev.cync.canary.protocol.PacketEncoder;
import dev.cync.canary.protocol.Setting;
import dev.cync.canary.support.Validate;
import dev.cync.canary.time.Clock;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of simulated devices: real TCP (or TLS) clients of the device server, sharing a few
 * event loops, each with its own id, auth code and power state, and the network faults of
 * {@link Faults}. Devices reconnect when their connection drops; cut off by a partition, they stay
 * away for {@code partitionFor} first.
 *
 * <p>Why one class: the fleet and its {@code Member} (one simulated device across its
 * connections) share the event loops, the fault settings, the partition clock and the counters,
 * which a member reads live on every connection; the faults themselves are {@link Faults} and
 * {@link FaultHandler}.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fleet.class);

    /** How a fleet is run; {@link #defaults} gives a quiet, fault-free fleet. */
    public record Config(
            String host,
            int port,
            boolean tls,
            int devices,
            Duration heartbeat,
            Faults faults,
            long seed,
            boolean dedup,
            Duration dedupWindow,
            int threads,
            Duration reconnectDelay) {

        public Config {
            Validate.range("--devices", devices, 1, 200_000);
            Validate.positive("heartbeat", heartbeat);
            Validate.positive("dedupWindow", dedupWindow);
            Validate.range("threads", threads, 0, 64);
            Validate.positive("reconnectDelay", reconnectDelay);
        }

        public static Config defaults(String host, int port, int devices) {
            return new Config(
                    host,
                    port,
                    false,
                    devices,
                    Duration.ofSeconds(20),
                    Faults.NONE,
                    1,
                    true,
                    Duration.ofSeconds(3),
                    0,
                    Duration.ofSeconds(1));
        }

        public Config withFaults(Faults f, long s) {
            return new Config(host, port, tls, devices, heartbeat, f, s, dedup, dedupWindow, threads, reconnectDelay);
        }

        public Config withTls(boolean t) {
            return new Config(
                    host, port, t, devices, heartbeat, faults, seed, dedup, dedupWindow, threads, reconnectDelay);
        }

        public Config withDedup(boolean d) {
            return new Config(
                    host, port, tls, devices, heartbeat, faults, seed, d, dedupWindow, threads, reconnectDelay);
        }

        public Config withHeartbeat(Duration h) {
            return new Config(host, port, tls, devices, h, faults, seed, dedup, dedupWindow, threads, reconnectDelay);
        }
    }

    private final Config config;
    private final Clock clock;
    private final SimStats stats = new SimStats();
    private final List<Member> members;
    private final AtomicInteger connected = new AtomicInteger();
    private final Random random;
    private EventLoopGroup group;
    private Bootstrap bootstrap;
    private volatile boolean closing;

    public Fleet(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.random = new Random(config.seed());
        List<Member> m = new ArrayList<>(config.devices());
        for (int i = 0; i < config.devices(); i++) {
            DeviceId id = deviceId(config.seed(), i);
            m.add(new Member(i, id, authCode(id)));
        }
        this.members = Collections.unmodifiableList(m);
    }

    /** Device ids are distinct and depend only on the seed and the index. */
    static DeviceId deviceId(long seed, int index) {
        int base = (int) (seed * 0x9E3779B97F4A7C15L >>> 40) & 0x00FF_0000;
        return new DeviceId(0x4000_0000 | base | index);
    }

    /**
     * A device's auth code depends on its id only, like a real device's fixed code: the controller
     * pins the first code it sees per endpoint, so a simulated device must present the same one on
     * every run and every seed that yields its id.
     */
    static String authCode(DeviceId id) {
        long h = id.value() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return String.format("%016x", h);
    }

    /** Connects every device; returns once all connection attempts have completed (or failed). */
    public Fleet start() throws SSLException, InterruptedException {
        int threads =
                config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        group = NettyTransports.group(threads, "sim-device");
        SslContext ssl = config.tls()
                ? SslContextBuilder.forClient()
                        .trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .build()
                : null;
        bootstrap = new Bootstrap()
                .group(group)
                .channel(NettyTransports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        List<ChannelFuture> pending = new ArrayList<>();
        for (Member m : members) {
            pending.add(m.connect(ssl));
            if (pending.size() >= 500) {
                awaitAll(pending);
            }
        }
        awaitAll(pending);
        config.faults()
                .partitionAt()
                .ifPresent(at -> group.next().schedule(this::partition, at.toNanos(), TimeUnit.NANOSECONDS));
        log.info(
                "simulated fleet: {} devices connecting to {}:{}{} (faults: {})",
                members.size(),
                config.host(),
                config.port(),
                config.tls() ? " over TLS" : "",
                config.faults());
        return this;
    }

    private static void awaitAll(List<ChannelFuture> futures) throws InterruptedException {
        for (ChannelFuture f : futures) {
            f.await(15, TimeUnit.SECONDS);
        }
        futures.clear();
    }

    private void partition() {
        int cut = 0;
        long until = clock.nanoTime() + config.faults().partitionFor().toNanos();
        for (Member m : members) {
            if (random.nextDouble() < config.faults().partitionShare()) {
                m.cutOff(until);
                cut++;
            }
        }
        stats.partitioned.add(cut);
        log.info(
                "partition: {} devices cut off for {} s",
                cut,
                config.faults().partitionFor().toSeconds());
    }

    /**
     * The device type of each simulated mesh id (mesh id = index + 1, types in turn), for the
     * controller's state model: the simulator, like real devices, does not send its type.
     */
    public static Map<Integer, DeviceType> meshTypes(int devices) {
        Map<Integer, DeviceType> types = new TreeMap<>();
        for (int i = 0; i < devices; i++) {
            types.put(i + 1, DeviceType.valueOf(SimType.values()[i % SimType.values().length].name()));
        }
        return types;
    }

    public List<DeviceId> ids() {
        List<DeviceId> ids = new ArrayList<>(members.size());
        for (Member m : members) {
            ids.add(m.id());
        }
        return ids;
    }

    /** Devices whose connection is up now (as the devices see it). */
    public int connected() {
        return connected.get();
    }

    public SimStats stats() {
        return stats;
    }

    public Config config() {
        return config;
    }

    @Override
    public void close() {
        closing = true;
        for (Member m : members) {
            Channel ch = m.channel;
            if (ch != null) {
                ch.close();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One device of the fleet across its connections. */
    final class Member {
        private final int index;
        private final DeviceId id;
        private final String authCode;
        private final int meshId;
        private final SimType type;
        /** The mesh id this device relays for as a bridge, or -1. */
        private final int relays;
        // Light state: written on the member's event loop, read for reports there too.
        private volatile boolean on;
        private volatile int brightness = 100;
        private volatile int colorTemp = 50;
        private volatile boolean rgbMode;
        private volatile int red;
        private volatile int green;
        private volatile int blue;
        private volatile Channel channel;
        private volatile long awayUntil;
        private SslContext ssl;

        Member(int index, DeviceId id, String authCode) {
            this.index = index;
            this.id = id;
            this.authCode = authCode;
            this.meshId = index + 1;
            this.type = SimType.values()[index % SimType.values().length];
            // Every fourth device is a bridge that also reports (and can reach) its next neighbour.
            this.relays = index % 4 == 0 && index + 1 < config.devices() ? index + 2 : -1;
        }

        int meshId() {
            return meshId;
        }

        SimType type() {
            return type;
        }

        int relays() {
            return relays;
        }

        Member relayed() {
            return relays > 0 ? members.get(relays - 1) : null;
        }

        long seed() {
            return config.seed();
        }

        double notExecutedRate() {
            return config.faults().notExecuted();
        }

        boolean on() {
            return on;
        }

        int brightness() {
            return brightness;
        }

        int colorTemp() {
            return colorTemp;
        }

        boolean rgbMode() {
            return rgbMode;
        }

        int[] rgb() {
            return new int[] {red, green, blue};
        }

        /** Applies a setting; whether the state changed. */
        boolean apply(Setting s) {
            boolean before = on;
            int b = brightness;
            int t = colorTemp;
            boolean m = rgbMode;
            int r = red;
            int g = green;
            int bl = blue;
            if (s instanceof Setting.Power p) {
                on = p.on();
            } else if (s instanceof Setting.Brightness l) {
                brightness = l.level();
            } else if (s instanceof Setting.ColorTemp c) {
                colorTemp = c.temp();
                rgbMode = false;
            } else if (s instanceof Setting.Rgb c) {
                red = c.red();
                green = c.green();
                blue = c.blue();
                rgbMode = true;
            }
            return before != on
                    || b != brightness
                    || t != colorTemp
                    || m != rgbMode
                    || r != red
                    || g != green
                    || bl != blue;
        }

        DeviceId id() {
            return id;
        }

        String authCode() {
            return authCode;
        }

        Clock clock() {
            return clock;
        }

        ChannelFuture connect(SslContext sslContext) {
            this.ssl = sslContext;
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), config.host(), config.port()));
                    }
                    ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                    ch.pipeline()
                            .addLast(
                                    new CyncFrameDecoder(DecodeListener.NONE),
                                    new PacketDecoder(DecodeListener.NONE),
                                    new PacketEncoder(),
                                    new FaultHandler(config.faults(), config.seed() * 31 + index, clock),
                                    new SimDevice(
                                            Member.this,
                                            stats,
                                            config.heartbeat().toNanos(),
                                            config.dedup(),
                                            config.dedupWindow().toNanos()));
                }
            });
            ChannelFuture f = b.connect(config.host(), config.port());
            channel = f.channel();
            f.addListener(r -> {
                if (r.isSuccess()) {
                    connected.incrementAndGet();
                } else if (!closing) {
                    scheduleReconnect(config.reconnectDelay().toNanos());
                }
            });
            return f;
        }

        void cutOff(long untilNanos) {
            awayUntil = untilNanos;
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        void disconnected() {
            connected.decrementAndGet();
            if (closing) {
                return;
            }
            long now = clock.nanoTime();
            long delay = awayUntil > now
                    ? awayUntil - now
                    : config.reconnectDelay().toNanos()
                            + (long) (random.nextDouble()
                                    * config.reconnectDelay().toNanos());
            scheduleReconnect(delay);
        }

        private void scheduleReconnect(long delayNanos) {
            group.next()
                    .schedule(
                            () -> {
                                if (!closing) {
                                    connect(ssl);
                                }
                            },
                            delayNanos,
                            TimeUnit.NANOSECONDS);
        }
    }
}
