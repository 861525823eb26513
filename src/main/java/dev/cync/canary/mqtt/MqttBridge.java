package dev.cync.canary.mqtt;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.mqtt.DeviceCommands.CommandResult;
import dev.cync.canary.support.Durations;
import dev.cync.canary.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Home Assistant bridge: publishes a discovery config, availability and state for every mesh
 * device of the {@link DeviceView}, and turns commands on {@code <base>/set/<unique id>} into
 * {@link DeviceCommands} (through the canary router).
 *
 * <p>Never blocks device I/O. A device change only puts the device's latest state in a map and
 * its mesh id in a bounded queue (coalescing: one entry per device however often it changes); one
 * publisher thread drains it. A full queue drops the change and counts it
 * ({@code cync_mqtt_messages_total{direction="out",outcome="dropped"}}); so does a change while
 * the broker is away, which loses nothing: every (re)connection republishes everything from the
 * state model. Commands are sent from Paho's callback thread without waiting ({@code DeviceCommands}
 * never blocks); at most {@code commandsInFlight} are unresolved, beyond that one is refused and
 * counted.
 *
 * <p>Threads: Paho's own (connection, callbacks), the publisher thread (the only one that
 * publishes while running, and the only one that touches the {@code sent*} maps and the window),
 * and the injected scheduler's, which runs reconnection attempts with exponential backoff and jitter.
 *
 * <p>Why one class: it owns one broker connection and the three threads above that
 * share it; the publisher loop, the command callback and the reconnection schedule all read and
 * change the connection state, the coalescing queue and the in-flight count, and their hand-offs
 * are this class's thread contract. What is not about the connection already lives elsewhere:
 * payloads in {@link HomeAssistant}, topic names in {@link Topics}, commands in
 * {@link DeviceCommands}.
 */
public final class MqttBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttBridge.class);
    static final String IN = "in";
    static final String OUT = "out";
    /** Unacknowledged QoS 1 publishes at most (Paho's in-flight window): a full republish of 1,000 devices is 3,000. */
    static final int MAX_IN_FLIGHT = 1000;

    private static final int QOS = 1;
    private static final long PUBLISH_WAIT_MS = 5000;
    private static final long CLOSE_WAIT_MS = 2000;
    /** A wake-up of the publisher that names no device. */
    private static final int WAKE = -1;
    /** Sources whose refused messages were logged, at most; later ones are only counted. */
    private static final int MAX_LOGGED_SOURCES = 1000;

    private final MqttConfig config;
    private final Topics topics;
    private final HomeAssistant ha;
    private final DeviceView view;
    private final DeviceCommands commands;
    private final Metrics metrics;
    private final Scheduler scheduler;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final BlockingQueue<Integer> work;
    private final Map<Integer, BridgedDevice> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean republish = new AtomicBoolean();
    private final AtomicInteger commandsInFlight = new AtomicInteger();
    private final AtomicBoolean overloaded = new AtomicBoolean();
    private final Set<String> loggedSources = ConcurrentHashMap.newKeySet();
    private final Thread publisher;
    private final IMqttActionListener delivery = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            metrics.mqttMessage(OUT, "published");
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            metrics.mqttMessage(OUT, "failed");
        }
    };
    private volatile boolean connected;
    private volatile boolean closed;
    private final AtomicBoolean publishFailureLogged = new AtomicBoolean();
    // Reconnection: guarded by this.
    private int failures;
    private Scheduler.Cancellable retry;
    private final SplittableRandom jitter = new SplittableRandom();
    // The publisher thread's own: what each retained topic holds now, and the discovery topic of each device.
    private final Map<String, String> sent = new HashMap<>();
    private final Map<Integer, String> discoveryTopic = new HashMap<>();
    private final ArrayDeque<IMqttDeliveryToken> window = new ArrayDeque<>();

    public MqttBridge(
            MqttConfig config, DeviceView view, DeviceCommands commands, Metrics metrics, Scheduler scheduler) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("mqtt.broker: the bridge needs a broker");
        }
        this.config = config;
        this.topics = Topics.of(config);
        String version = MqttBridge.class.getPackage().getImplementationVersion();
        this.ha = new HomeAssistant(topics, version == null ? "dev" : version);
        this.view = view;
        this.commands = commands;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.work = new ArrayBlockingQueue<>(config.publishQueue());
        try {
            this.client = new MqttAsyncClient(config.broker(), config.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("mqtt.broker: " + e.getMessage(), e);
        }
        this.options = options(config, topics);
        client.setCallback(new Callback());
        this.publisher = new Thread(this::publishLoop, "mqtt-publisher");
        publisher.setDaemon(true);
        metrics.mqttConnected(false);
    }

    private static MqttConnectOptions options(MqttConfig config, Topics topics) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        // Reconnection is ours (backoff from the first attempt on, and a full republish after each).
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMaxInflight(MAX_IN_FLIGHT);
        o.setWill(topics.bridgeAvailability(), "offline".getBytes(StandardCharsets.UTF_8), QOS, true);
        if (!config.username().isEmpty()) {
            o.setUserName(config.username());
        }
        if (config.password() != null) {
            o.setPassword(config.password().toCharArray());
        }
        if (config.caFile() != null) {
            o.setSocketFactory(Tls.trusting(config.caFile()));
        } else if (config.broker().startsWith("tcp://")) {
            o.setSocketFactory(new NoDelaySockets());
        }
        return o;
    }

    /** Watches the state model and connects; returns at once (the connection comes up in the background). */
    public MqttBridge start() {
        view.addListener(this::changed);
        publisher.start();
        log.info(
                "mqtt: bridge to {} as {}, topics under {}/, discovery under {}/",
                config.broker(),
                config.clientId(),
                config.baseTopic(),
                config.discoveryPrefix());
        connect();
        return this;
    }

    public boolean connected() {
        return connected;
    }

    /** Commands from MQTT not resolved yet. */
    public int commandsInFlight() {
        return commandsInFlight.get();
    }

    // ---- device state out

    /** The state model's listener: never blocks (a map put and a queue offer). */
    private void changed(BridgedDevice d) {
        if (closed) {
            return;
        }
        if (pending.put(d.meshId(), d) == null && !work.offer(d.meshId())) {
            pending.remove(d.meshId());
            metrics.mqttMessage(OUT, "dropped");
        }
    }

    private void requestRepublish() {
        republish.set(true);
        work.offer(WAKE); // a full queue wakes the publisher anyway
    }

    private void publishLoop() {
        while (!closed) {
            int id;
            try {
                id = work.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (republish.getAndSet(false)) {
                    republishAll();
                }
                if (id != WAKE) {
                    BridgedDevice d = pending.remove(id);
                    if (d != null) {
                        publishDevice(d);
                    }
                }
            } catch (RuntimeException e) {
                log.error("mqtt: publishing failed: {}", e.toString());
            }
        }
    }

    /** After each connection and on Home Assistant's birth message: everything again, from the state model. */
    private void republishAll() {
        if (!connected) {
            return;
        }
        sent.clear();
        publish(topics.bridgeDiscovery(), ha.bridgeDiscovery());
        publish(topics.bridgeAvailability(), "online");
        List<BridgedDevice> all = view.all();
        for (BridgedDevice d : all) {
            publishDevice(d);
        }
        log.info("mqtt: published discovery, availability and state of {} devices", all.size());
    }

    private void publishDevice(BridgedDevice d) {
        if (!connected) {
            metrics.mqttMessage(OUT, "dropped");
            return;
        }
        String id = Topics.uniqueId(d.meshId());
        String config = topics.discovery(d.type(), id);
        String before = discoveryTopic.put(d.meshId(), config);
        if (before != null && !before.equals(config)) {
            publish(before, ""); // its type changed (switch <-> light): an empty retained config removes the old entity
        }
        publish(config, ha.discovery(d));
        publish(topics.availability(id), HomeAssistant.availability(d));
        publish(topics.state(id), ha.state(d));
    }

    /** Publishes, retained, unless the topic already holds exactly this; false when it could not. */
    private boolean publish(String topic, String payload) {
        if (payload.equals(sent.get(topic))) {
            return true;
        }
        while (!window.isEmpty() && window.peekFirst().isComplete()) {
            window.pollFirst();
        }
        if (window.size() >= MAX_IN_FLIGHT) {
            try {
                window.pollFirst().waitForCompletion(PUBLISH_WAIT_MS);
            } catch (MqttException e) {
                // That publish failed or is slow; its listener counts it. Go on: Paho refuses this one if still full.
            }
        }
        try {
            window.addLast(client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QOS, true, null, delivery));
            if (payload.isEmpty()) {
                sent.remove(topic);
            } else {
                sent.put(topic, payload);
            }
            return true;
        } catch (MqttException e) {
            metrics.mqttMessage(OUT, "failed");
            if (publishFailureLogged.compareAndSet(false, true)) {
                log.warn(
                        "mqtt: cannot publish to {}: {} (further failures until the next connection are only counted)",
                        topic,
                        e.getMessage());
            }
            return false;
        }
    }

    // ---- commands in

    private void received(String topic, MqttMessage message) {
        if (topic.equals(topics.homeAssistantStatus())) {
            metrics.mqttMessage(IN, "accepted");
            if ("online".equals(new String(message.getPayload(), StandardCharsets.UTF_8).trim())) {
                log.info("mqtt: Home Assistant is online; publishing discovery and state again");
                requestRepublish();
            }
            return;
        }
        if (!topic.startsWith(topics.commandPrefix())) {
            refuse(topic, "not a command topic of this bridge");
            return;
        }
        if (message.isRetained()) {
            refuse(
                    topic,
                    "a retained command (it would run again at every reconnection); publish commands without retain");
            return;
        }
        String uniqueId = topic.substring(topics.commandPrefix().length());
        OptionalInt meshId = Topics.meshId(uniqueId);
        if (meshId.isEmpty()) {
            refuse(topic, "'" + uniqueId + "' is not a unique id of this bridge (cync_<mesh id>)");
            return;
        }
        Optional<BridgedDevice> device = view.get(meshId.getAsInt());
        if (device.isEmpty()) {
            refuse(topic, "no device with mesh id " + meshId.getAsInt());
            return;
        }
        HomeAssistant.Command command;
        try {
            command = ha.parse(device.get(), message.getPayload());
        } catch (IllegalArgumentException e) {
            refuse(topic, e.getMessage());
            return;
        }
        if (commandsInFlight.incrementAndGet() > config.commandsInFlight()) {
            commandsInFlight.decrementAndGet();
            metrics.mqttMessage(IN, "dropped");
            if (overloaded.compareAndSet(false, true)) {
                log.warn(
                        "mqtt: {} commands from MQTT are unresolved; refusing more until they resolve (counted as dropped)",
                        config.commandsInFlight());
            }
            return;
        }
        metrics.mqttMessage(IN, "accepted");
        send(device.get(), command).whenComplete((r, e) -> {
            if (commandsInFlight.decrementAndGet() < config.commandsInFlight() / 2
                    && overloaded.compareAndSet(true, false)) {
                log.info("mqtt: commands from MQTT are accepted again");
            }
            if (e != null) {
                log.info("source=mqtt command on {} failed: {}", topic, e.toString());
            } else if (!r.executed()) {
                log.info("source=mqtt command on {} not executed: {} (transport {})", topic, r.reason(), r.transport());
            } else {
                log.debug("source=mqtt command on {} executed (transport {})", topic, r.transport());
            }
        });
    }

    /**
     * The command's steps, each sent once the device executed the one before (so they reach it in
     * order on either transport); a step that fails ends the command with its result. The power is
     * switched on first only when the device reports it off: brightness and colour need it on.
     */
    private CompletableFuture<CommandResult> send(BridgedDevice d, HomeAssistant.Command c) {
        int m = d.meshId();
        boolean settings = c.brightness() != null || c.colorTemp() != null || c.rgb() != null;
        List<Supplier<CompletableFuture<CommandResult>>> steps = new ArrayList<>(4);
        if (c.on() != null && (!c.on() || !settings || !d.on())) {
            boolean on = c.on();
            steps.add(() -> commands.power(m, on));
        }
        if (c.brightness() != null) {
            steps.add(() -> commands.brightness(m, c.brightness()));
        }
        if (c.colorTemp() != null) {
            steps.add(() -> commands.colorTemp(m, c.colorTemp()));
        }
        if (c.rgb() != null) {
            steps.add(() -> commands.rgb(m, c.rgb()[0], c.rgb()[1], c.rgb()[2]));
        }
        CompletableFuture<CommandResult> result = steps.get(0).get();
        for (Supplier<CompletableFuture<CommandResult>> next : steps.subList(1, steps.size())) {
            result = result.thenCompose(r -> r.executed() ? next.get() : CompletableFuture.completedFuture(r));
        }
        return result;
    }

    private void refuse(String source, String why) {
        metrics.mqttMessage(IN, "invalid");
        if (loggedSources.size() < MAX_LOGGED_SOURCES && loggedSources.add(source)) {
            log.warn(
                    "mqtt: refused a message on {}: {} (further refusals from this topic are only counted)",
                    source,
                    why);
        }
    }

    // ---- connection

    private void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onConnected();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    onDisconnected("cannot connect to", e);
                }
            });
        } catch (MqttException e) {
            onDisconnected("cannot connect to", e);
        }
    }

    private void onConnected() {
        synchronized (this) {
            failures = 0;
        }
        try {
            client.subscribe(new String[] {topics.commandFilter(), topics.homeAssistantStatus()}, new int[] {QOS, QOS});
        } catch (MqttException e) {
            log.warn("mqtt: cannot subscribe at {}: {}; reconnecting", config.broker(), e.getMessage());
            try {
                client.disconnectForcibly(0, CLOSE_WAIT_MS);
            } catch (MqttException ignored) {
                // Closing a connection that failed anyway; the retry below starts afresh.
            }
            onDisconnected("lost", e);
            return;
        }
        connected = true;
        publishFailureLogged.set(false);
        metrics.mqttConnected(true);
        log.info("mqtt: connected to {}", config.broker());
        requestRepublish();
    }

    private void onDisconnected(String what, Throwable cause) {
        connected = false;
        metrics.mqttConnected(false);
        if (closed) {
            return;
        }
        Duration delay;
        synchronized (this) {
            delay = backoff(failures++);
            retry = scheduler.schedule(this::connect, delay);
        }
        log.warn("mqtt: {} {} ({}); trying again in {}", what, config.broker(), reason(cause), Durations.format(delay));
    }

    /** Exponential from reconnectMin, at most reconnectMax, and between half and all of that (so bridges do not retry in step). */
    private Duration backoff(int failuresBefore) {
        long min = config.reconnectMin().toMillis();
        long max = config.reconnectMax().toMillis();
        long full = Math.min(max, min << Math.min(failuresBefore, 30));
        return Duration.ofMillis(full / 2 + jitter.nextLong(full / 2 + 1));
    }

    private static String reason(Throwable e) {
        if (e == null) {
            return "no reason given";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return m != null ? m : root.getClass().getSimpleName();
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            onDisconnected("lost the connection to", cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // An exception here would make Paho drop the connection: nothing a message holds may do that.
            try {
                received(topic, message);
            } catch (RuntimeException e) {
                refuse(topic, e.toString());
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Counted by the publish's own listener.
        }
    }

    /** Says {@code offline} for the bridge (as its last will would), disconnects, and stops the publisher. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (retry != null) {
                retry.cancel();
            }
        }
        publisher.interrupt();
        try {
            publisher.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.publish(topics.bridgeAvailability(), "offline".getBytes(StandardCharsets.UTF_8), QOS, true)
                        .waitForCompletion(CLOSE_WAIT_MS);
                client.disconnect(CLOSE_WAIT_MS).waitForCompletion(CLOSE_WAIT_MS + 1000);
            }
        } catch (MqttException e) {
            log.warn("mqtt: could not say offline to {}: {}", config.broker(), e.getMessage());
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, CLOSE_WAIT_MS);
            }
            client.close(true);
        } catch (MqttException e) {
            log.warn("mqtt: could not close the client: {}", e.getMessage());
        }
        connected = false;
        metrics.mqttConnected(false);
        log.info("mqtt: bridge closed");
    }
}
