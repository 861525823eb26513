package dev.cync.canary.mqtt;

import dev.cync.canary.support.Validate;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code mqtt:} section of {@code cync-canary.yaml}: the Home Assistant bridge, off unless a
 * broker is configured. Every value is checked here, and an invalid one is refused with one line
 * naming its setting ({@code mqtt.broker: ...}).
 *
 * @param broker {@code tcp://host:port} or {@code ssl://host:port}; empty: the bridge is off
 * @param password read from {@code passwordFile} at load; null without one (never printed)
 * @param caFile PEM certificates to trust for an {@code ssl://} broker; null: the system's trust store
 * @param baseTopic the bridge's topics: {@code <base>/set/<unique id>}, {@code <base>/status/<unique id>}, ...
 * @param discoveryPrefix Home Assistant's discovery prefix (its birth message is {@code <prefix>/status})
 * @param publishQueue device changes waiting to be published at most; beyond, one is dropped and counted
 * @param commandsInFlight commands from MQTT unresolved at most; beyond, one is refused and counted
 */
public record MqttConfig(
        String broker,
        String clientId,
        String username,
        String password,
        Path caFile,
        String baseTopic,
        String discoveryPrefix,
        Duration reconnectMin,
        Duration reconnectMax,
        int publishQueue,
        int commandsInFlight) {

    public static final String DEFAULT_CLIENT_ID = "cync-canary";
    public static final String DEFAULT_BASE_TOPIC = "cync";
    public static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);
    public static final int DEFAULT_PUBLISH_QUEUE = 10_000;
    public static final int DEFAULT_COMMANDS_IN_FLIGHT = 256;

    public MqttConfig {
        broker = broker == null ? "" : broker.trim();
        if (!broker.isEmpty()) {
            checkBroker(broker);
        }
        if (clientId == null || !clientId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException(
                    "mqtt.clientId: must be 1 to 64 letters, digits, '_', '.' or '-', got '" + clientId + "'");
        }
        username = username == null ? "" : username;
        if (password != null && username.isEmpty()) {
            throw new IllegalArgumentException("mqtt.passwordFile: a password needs mqtt.username");
        }
        if (caFile != null && !broker.startsWith("ssl://")) {
            throw new IllegalArgumentException(
                    "mqtt.caFile: only used with an ssl:// broker, got broker '" + broker + "'");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("mqtt.caFile: cannot read " + caFile);
        }
        if (caFile != null) {
            Tls.trusting(caFile); // refuses a file without certificates now, not at the first connection
        }
        checkTopic("mqtt.baseTopic", baseTopic);
        checkTopic("mqtt.discoveryPrefix", discoveryPrefix);
        Validate.positive("mqtt.reconnectMin", reconnectMin);
        Validate.positive("mqtt.reconnectMax", reconnectMax);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("mqtt.reconnectMax: must not be shorter than mqtt.reconnectMin ("
                    + reconnectMin + "), got " + reconnectMax);
        }
        Validate.range("mqtt.publishQueue", publishQueue, 1, 1_000_000);
        Validate.range("mqtt.commandsInFlight", commandsInFlight, 1, 100_000);
    }

    /** The bridge off: no broker. */
    public static MqttConfig off() {
        return new MqttConfig(
                "",
                DEFAULT_CLIENT_ID,
                "",
                null,
                null,
                DEFAULT_BASE_TOPIC,
                DEFAULT_DISCOVERY_PREFIX,
                DEFAULT_RECONNECT_MIN,
                DEFAULT_RECONNECT_MAX,
                DEFAULT_PUBLISH_QUEUE,
                DEFAULT_COMMANDS_IN_FLIGHT);
    }

    public boolean enabled() {
        return !broker.isEmpty();
    }

    public MqttConfig withBroker(String url) {
        return new MqttConfig(
                url,
                clientId,
                username,
                password,
                caFile,
                baseTopic,
                discoveryPrefix,
                reconnectMin,
                reconnectMax,
                publishQueue,
                commandsInFlight);
    }

    /** The password file's content without its trailing line break; one line naming the setting when it cannot be read. */
    public static String readPassword(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String password = text.endsWith("\r\n")
                    ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (password.isEmpty()) {
                throw new IllegalArgumentException("mqtt.passwordFile: " + file + " is empty");
            }
            return password;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "mqtt.passwordFile: cannot read " + file + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    private static void checkBroker(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("mqtt.broker: not a URL: '" + url + "'", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new IllegalArgumentException(
                    "mqtt.broker: must be tcp://HOST:PORT or ssl://HOST:PORT, got '" + url + "'");
        }
        if (uri.getHost() == null
                || uri.getPort() < 1
                || uri.getPort() > 65535
                || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "mqtt.broker: must be " + scheme + "://HOST:PORT (a port, no path, no user), got '" + url + "'");
        }
    }

    private static void checkTopic(String name, String topic) {
        if (topic == null
                || topic.isEmpty()
                || topic.startsWith("/")
                || topic.endsWith("/")
                || topic.contains("//")
                || topic.contains("+")
                || topic.contains("#")
                || topic.length() > 200) {
            throw new IllegalArgumentException(
                    name + ": must be a topic like 'cync' or 'home/cync' (no wildcards, no leading,"
                            + " trailing or double '/'), got '" + topic + "'");
        }
    }

    @Override
    public String toString() {
        return "MqttConfig[broker=" + broker + ", clientId=" + clientId + ", username=" + username
                + ", password=" + (password == null ? "none" : "(from file)") + ", caFile=" + caFile + ", baseTopic="
                + baseTopic
                + ", discoveryPrefix=" + discoveryPrefix + ", reconnect=" + reconnectMin + ".." + reconnectMax
                + ", publishQueue=" + publishQueue + ", commandsInFlight=" + commandsInFlight + "]";
    }
}
