package dev.cync.canary.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.device.DeviceGuardConfig;
import dev.cync.canary.device.DeviceServerConfig;
import dev.cync.canary.flags.EtcdSettings;
import dev.cync.canary.http.HttpServerConfig;
import dev.cync.canary.mqtt.MqttConfig;
import dev.cync.canary.support.Settings;
import dev.cync.canary.support.Validate;
import dev.cync.canary.support.YamlFiles;
import dev.cync.canary.transport.LegacyConfig;
import dev.cync.canary.transport.ReliableConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code cync-canary.yaml}, read and validated. */
public record ControllerConfig(
        DeviceServerConfig server,
        DeviceGuardConfig guards,
        HttpServerConfig http,
        LegacyConfig legacy,
        ReliableConfig reliable,
        Rollout rollout,
        MqttConfig mqtt,
        FlagsStore flags) {

    /**
     * {@code flags}: the file store (etcd null) or etcd. {@code replica} blank means $HOSTNAME,
     * resolved at start ({@link #etcdFor}).
     */
    public record FlagsStore(
            String store, String endpoints, String prefix, String replica, Duration leaseTtl, Duration timeout) {
        public boolean etcd() {
            return store.equals("etcd");
        }
    }

    /** The etcd settings of this replica; {@code env} gives $HOSTNAME when no replica name is configured. */
    public EtcdSettings etcdFor(Map<String, String> env) {
        String name = flags.replica().isBlank() ? env.getOrDefault("HOSTNAME", "") : flags.replica();
        if (name.isBlank()) {
            throw new IllegalArgumentException(
                    "flags.etcd.replica: empty and $HOSTNAME is not set; give each replica a unique name");
        }
        return new EtcdSettings(
                Arrays.stream(flags.endpoints().split(","))
                        .map(String::trim)
                        .filter(e -> !e.isEmpty())
                        .toList(),
                flags.prefix(),
                name,
                flags.leaseTtl(),
                flags.timeout());
    }

    public String httpHost() {
        return http.host();
    }

    public int httpPort() {
        return http.port();
    }

    /** The rollout and notification settings; files null mean the built-in ones. */
    public record Rollout(boolean enabled, Path planFile, Path sloFile, String alertmanagerUrl, String webhookUrl) {}

    public static final String EMBEDDED = "/config/cync-canary.yaml";

    /** Loads {@code file}, or the copy inside the jar when {@code file} is null. */
    public static ControllerConfig load(Path file) throws IOException {
        YamlFiles.Source src = YamlFiles.read(file, EMBEDDED, "config file", "the built-in cync-canary.yaml");
        try {
            return parse(src.root());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src.name() + ": " + e.getMessage(), e);
        }
    }

    public static ControllerConfig parse(JsonNode root) {
        Settings top = new Settings("", root);
        DeviceServerConfig d = DeviceServerConfig.defaults();
        Settings s = top.section("server");
        String cert = s.string("certFile", null);
        String key = s.string("keyFile", null);
        DeviceServerConfig server = new DeviceServerConfig(
                s.string("host", d.host()),
                s.integer("plainPort", d.plainPort()),
                tlsPort(s.integer("tlsPort", d.tlsPort())),
                Optional.ofNullable(cert).map(Path::of),
                Optional.ofNullable(key).map(Path::of),
                d.stateDir(),
                s.duration("heartbeatTimeout", d.heartbeatTimeout()),
                s.duration("helloTimeout", d.helloTimeout()),
                s.integer("maxConnections", d.maxConnections()),
                s.integer("maxGarbageBytes", d.maxGarbageBytes()),
                s.duration("sequenceReuseDelay", d.sequenceReuseDelay()),
                s.integer("statusDedupSize", d.statusDedupSize()),
                s.duration("statusDedupTtl", d.statusDedupTtl()),
                s.integer("workerThreads", d.workerThreads()));
        DeviceGuardConfig gd = DeviceGuardConfig.defaults();
        String allowList = s.string("allowListFile", null);
        DeviceGuardConfig guards = new DeviceGuardConfig(
                s.integer("maxPendingHellos", gd.maxPendingHellos()),
                s.integer("maxConnectionsPerAddress", gd.maxConnectionsPerAddress()),
                s.duration("slowReaderTimeout", gd.slowReaderTimeout()),
                Optional.ofNullable(allowList).map(Path::of));
        s.finish();

        Settings h = top.section("http");
        HttpServerConfig hd = HttpServerConfig.defaults();
        String httpCert = h.string("certFile", null);
        String httpKey = h.string("keyFile", null);
        HttpServerConfig http = new HttpServerConfig(
                h.string("host", hd.host()),
                h.integer("port", hd.port()),
                h.string("apiHost", hd.apiHost()),
                h.integer("apiPort", hd.apiPort()),
                h.integer("maxConnections", hd.maxConnections()),
                h.duration("headerTimeout", hd.headerTimeout()),
                h.duration("bodyTimeout", hd.bodyTimeout()),
                h.integer("maxBodyBytes", hd.maxBodyBytes()),
                h.integer("apiThreads", hd.apiThreads()),
                Optional.ofNullable(httpCert).map(Path::of),
                Optional.ofNullable(httpKey).map(Path::of));
        h.finish();

        LegacyConfig ld = LegacyConfig.defaults();
        Settings l = top.section("legacy");
        LegacyConfig legacy = new LegacyConfig(
                l.duration("writeTimeout", ld.writeTimeout()), l.duration("ackDeadline", ld.ackDeadline()));
        l.finish();

        ReliableConfig rd = ReliableConfig.defaults();
        Settings r = top.section("reliable");
        ReliableConfig reliable = new ReliableConfig(
                r.integer("queueCapacity", rd.queueCapacity()),
                policy(r.string("overflowPolicy", rd.overflowPolicy().name())),
                r.duration("blockTimeout", rd.blockTimeout()),
                r.integer("maxInFlight", rd.maxInFlight()),
                r.integer("maxAttempts", rd.maxAttempts()),
                r.duration("deadline", rd.deadline()),
                r.duration("initialRto", rd.initialRto()),
                r.duration("minRto", rd.minRto()),
                r.duration("maxRto", rd.maxRto()),
                r.duration("rtoMargin", rd.rtoMargin()),
                r.number("backoffMultiplier", rd.backoffMultiplier()),
                r.number("jitter", rd.jitter()));
        r.finish();
        Settings ro = top.section("rollout");
        boolean enabled = ro.bool("enabled", false);
        String plan = ro.string("plan", "");
        String slo = ro.string("slo", "");
        ro.finish();
        Settings n = top.section("notify");
        String am = url(n.string("alertmanagerUrl", ""), "notify.alertmanagerUrl");
        String hook = url(n.string("webhookUrl", ""), "notify.webhookUrl");
        n.finish();
        MqttConfig mqtt = mqtt(top.section("mqtt"));
        Settings f = top.section("flags");
        String store = f.string("store", "file").trim().toLowerCase(Locale.ROOT);
        if (!store.equals("file") && !store.equals("etcd")) {
            throw new IllegalArgumentException("flags.store: must be file or etcd, got '" + store + "'");
        }
        Settings e = f.section("etcd");
        FlagsStore flags = new FlagsStore(
                store,
                e.string("endpoints", "http://127.0.0.1:2379"),
                e.string("prefix", "/cync-canary/"),
                e.string("replica", ""),
                e.duration("leaseTtl", Duration.ofSeconds(10)),
                e.duration("timeout", Duration.ofSeconds(2)));
        e.finish();
        f.finish();
        if (flags.etcd()) {
            // Checked now, with a placeholder name, so a bad endpoint or TTL stops the start with its setting named.
            new ControllerConfig(server, guards, http, legacy, reliable, null, mqtt, flags)
                    .etcdFor(Map.of("HOSTNAME", "check"));
        }
        top.finish();
        return new ControllerConfig(
                server,
                guards,
                http,
                legacy,
                reliable,
                new Rollout(
                        enabled, plan.isBlank() ? null : Path.of(plan), slo.isBlank() ? null : Path.of(slo), am, hook),
                mqtt,
                flags);
    }

    /** The Home Assistant bridge; MqttConfig checks each value and names the setting when one is wrong. */
    private static MqttConfig mqtt(Settings m) {
        MqttConfig d = MqttConfig.off();
        String broker = m.string("broker", d.broker());
        String clientId = m.string("clientId", d.clientId());
        String username = m.string("username", d.username());
        String passwordFile = m.string("passwordFile", "");
        String caFile = m.string("caFile", "");
        String base = m.string("baseTopic", d.baseTopic());
        String prefix = m.string("discoveryPrefix", d.discoveryPrefix());
        var reconnectMin = m.duration("reconnectMin", d.reconnectMin());
        var reconnectMax = m.duration("reconnectMax", d.reconnectMax());
        int queue = m.integer("publishQueue", d.publishQueue());
        int inFlight = m.integer("commandsInFlight", d.commandsInFlight());
        m.finish();
        boolean on = !broker.isBlank();
        // Without a broker nothing else is used, so a password file is not read then.
        String password = on && !passwordFile.isBlank() ? MqttConfig.readPassword(Path.of(passwordFile)) : null;
        return new MqttConfig(
                broker,
                clientId,
                username,
                password,
                caFile.isBlank() ? null : Path.of(caFile),
                base,
                prefix,
                reconnectMin,
                reconnectMax,
                queue,
                inFlight);
    }

    private static String url(String text, String name) {
        if (text.isBlank()) {
            return "";
        }
        if (!text.matches("https?://[^\\s]+")) {
            throw new IllegalArgumentException(name + ": must be an http:// or https:// URL, got '" + text + "'");
        }
        return text;
    }

    private static int tlsPort(int port) {
        if (port == -1) {
            return -1;
        }
        Validate.port("server.tlsPort", port);
        return port;
    }

    private static ReliableConfig.OverflowPolicy policy(String text) {
        try {
            return ReliableConfig.OverflowPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "reliable.overflowPolicy: must be reject, drop_oldest or block, got '" + text + "'", e);
        }
    }

    public ControllerConfig withPorts(Integer http, Integer device, Integer tls) {
        DeviceServerConfig s =
                server.withPorts(device == null ? server.plainPort() : device, tls == null ? server.tlsPort() : tls);
        return new ControllerConfig(
                s, guards, http == null ? this.http : this.http.withPort(http), legacy, reliable, rollout, mqtt, flags);
    }

    public ControllerConfig withHttp(HttpServerConfig h) {
        return new ControllerConfig(server, guards, h, legacy, reliable, rollout, mqtt, flags);
    }

    public ControllerConfig withGuards(DeviceGuardConfig g) {
        return new ControllerConfig(server, g, http, legacy, reliable, rollout, mqtt, flags);
    }

    public ControllerConfig withStateDir(Path dir) {
        return new ControllerConfig(server.withStateDir(dir), guards, http, legacy, reliable, rollout, mqtt, flags);
    }

    public ControllerConfig withReliable(ReliableConfig r) {
        return new ControllerConfig(server, guards, http, legacy, r, rollout, mqtt, flags);
    }

    public ControllerConfig withRollout(Rollout r) {
        return new ControllerConfig(server, guards, http, legacy, reliable, r, mqtt, flags);
    }

    public ControllerConfig withMqtt(MqttConfig m) {
        return new ControllerConfig(server, guards, http, legacy, reliable, rollout, m, flags);
    }

    public ControllerConfig withFlags(FlagsStore f) {
        return new ControllerConfig(server, guards, http, legacy, reliable, rollout, mqtt, f);
    }
}
