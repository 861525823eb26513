package dev.cync.canary.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Every metric of the controller, with the names and labels of docs/design.md, on one registry per
 * controller (no global state). Names live here only: the monitoring generators build their
 * queries from these constants. No metric carries a device id (docs/design.md rule 9).
 */
public final class Metrics {

    // Exposed names. Counters are registered without the _total suffix, which the exposition adds.
    public static final String PACKET_SENT = "tcp_comm_packet_sent_total";
    public static final String PACKET_LATENCY = "tcp_comm_packet_latency_seconds";
    public static final String RETRANSMIT = "tcp_comm_retransmit_total";
    public static final String ACK_TIMEOUT = "tcp_comm_ack_timeout_total";
    public static final String IDEMPOTENT_DROP = "tcp_comm_idempotent_drop_total";
    public static final String DECODE_ERROR = "tcp_comm_decode_error_total";
    public static final String SEND_QUEUE_SIZE = "tcp_comm_send_queue_size";
    public static final String RECV_QUEUE_SIZE = "tcp_comm_recv_queue_size";
    public static final String QUEUE_FULL = "tcp_comm_queue_full_total";
    public static final String CONNECTION_FAILURES = "tcp_comm_connection_failures_total";
    public static final String CONNECTED_DEVICES = "tcp_comm_connected_devices";
    public static final String ROUTING_DECISION = "tcp_comm_routing_decision_total";
    public static final String DARK_LAUNCH = "tcp_comm_dark_launch_total";
    public static final String CANARY_PERCENTAGE = "canary_percentage";
    public static final String ROLLOUT_STAGE = "canary_rollout_stage";
    public static final String ERROR_BUDGET_REMAINING = "canary_error_budget_remaining";
    public static final String SLO_CHECK = "canary_slo_check";
    public static final String ROLLBACKS = "canary_rollbacks_total";
    /** Not in the spec: whole packets received from devices (the decode error rate's denominator). */
    /** Receipts and execution acks from devices that matched no command on their connection. */
    public static final String UNMATCHED_ACKS = "tcp_comm_unmatched_acks_total";

    public static final String AMBIGUOUS_ACKS = "tcp_comm_ambiguous_acks_total";
    public static final String PACKETS_RECEIVED = "tcp_comm_packets_received_total";
    /** Not in the spec: 1 for the rollout's status (running, hold, paused, rolled_back, complete). */
    public static final String ROLLOUT_STATUS = "canary_rollout_status";
    /** Not in the spec: admin API calls refused, by reason (unauthorized, bad_request, not_found, ...). */
    public static final String API_REJECTED = "canary_api_rejected_total";
    /** State writes (flags, audit, rollout, SLO windows, marker) the disk refused; each is retried. */
    public static final String STATE_PERSIST_FAILURES = "canary_state_persist_failures_total";
    /** State files that could not be used at start and were started afresh (only the SLO windows may be). */
    public static final String STATE_LOAD_FAILURES = "canary_state_load_failures_total";

    public static final String FILE = "file";
    /** Not in the spec: Home Assistant bridge messages, by direction (in, out) and outcome. */
    public static final String MQTT_MESSAGES = "cync_mqtt_messages_total";
    /** Not in the spec: 1 while the Home Assistant bridge is connected to its broker. */
    public static final String MQTT_CONNECTED = "cync_mqtt_connected";
    /** 1 on the replica that leads (runs the rollout and the automatic rollback), 0 on the others; flags.store: etcd only. */
    public static final String LEADER = "canary_leader";
    /** etcd operations that failed because etcd did not answer; flags.store: etcd only. */
    public static final String STORE_UNAVAILABLE = "canary_store_unavailable_total";
    /** 1 while the shared store (etcd) answers, 0 while it does not; flags.store: etcd only. */
    public static final String STORE_AVAILABLE = "canary_store_available";
    /** Minutes of SLO counts this replica published to etcd, and merged from every replica's, for the fleet-wide view. */
    public static final String FLEET_SLO_MINUTES = "canary_fleet_slo_minutes_total";
    /** Always 1; its labels say which build runs (version, git revision): the same as {@code cync-canary --version}. */
    public static final String BUILD_INFO = "cync_canary_build_info";

    // Label names and the values they take.
    public static final String TRANSPORT = "transport";
    public static final String OUTCOME = "outcome";
    public static final String REASON = "reason";
    public static final String SUCCESS = "success";
    /** The {@code transport} label values: the legacy path and the new, reliable one (as in the spec's queries). */
    public static final String LEGACY = "legacy";

    public static final String NEW = "new";

    /** Latency buckets in seconds; 0.8 and 1.5 are the lab and field latency objectives. */
    public static final double[] LATENCY_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 1.5, 2.5, 5.0, 10.0
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    // Declared before the counters: field initialisers run in order, and each counter registers here.
    /** Each counter's label names in declaration order, so {@link #counterValue} can take values in that order. */
    private final Map<String, String[]> counterLabels = new ConcurrentHashMap<>();

    final Counter packetSent = counter(
            PACKET_SENT,
            "Commands resolved, by transport and outcome (success or the failure reason).",
            TRANSPORT,
            OUTCOME);
    final Histogram packetLatency = Histogram.builder()
            .name(PACKET_LATENCY)
            .help("Time from send to the device's acknowledgement, for commands that succeeded.")
            .labelNames(TRANSPORT)
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    final Counter retransmit = counter(RETRANSMIT, "Command attempts sent again after an attempt timeout.", TRANSPORT);
    final Counter ackTimeout = counter(
            ACK_TIMEOUT, "Commands that failed because no acknowledgement came before the deadline.", TRANSPORT);
    final Counter idempotentDrop = counter(
            IDEMPOTENT_DROP,
            "Duplicate or late acknowledgements dropped because their command had already resolved.",
            TRANSPORT);
    final Counter decodeError = counter(DECODE_ERROR, "Bytes from devices refused by the codec, by reason.", REASON);
    final Counter queueFull =
            counter(QUEUE_FULL, "Commands refused or dropped because a bounded queue was full.", TRANSPORT);
    final Counter connectionFailures =
            counter(CONNECTION_FAILURES, "Device connections refused or closed abnormally, by reason.", REASON);
    final Counter routingDecision = counter(
            ROUTING_DECISION, "Routing decisions, by chosen transport and the rule that decided.", TRANSPORT, REASON);
    final Counter darkLaunch = counter(DARK_LAUNCH, "Dark-launch mirror copies, by outcome.", OUTCOME);
    final Gauge canaryPercentage = Gauge.builder()
            .name(CANARY_PERCENTAGE)
            .help("Share of devices routed to the new transport, in percent.")
            .register(registry);
    final Gauge rolloutStage = Gauge.builder()
            .name(ROLLOUT_STAGE)
            .help("1 for the rollout stage the controller is in, 0 for the others.")
            .labelNames("stage")
            .register(registry);
    final Gauge errorBudgetRemaining = Gauge.builder()
            .name(ERROR_BUDGET_REMAINING)
            .help("Share of each objective's error budget left over its window (1 = untouched, 0 = spent).")
            .labelNames("slo", TRANSPORT)
            .register(registry);
    final Gauge sloCheck = Gauge.builder()
            .name(SLO_CHECK)
            .help("1 for the latest result of each objective's check on the new transport, 0 for the other results.")
            .labelNames("slo", "result")
            .register(registry);
    final Counter rollbacks =
            counter(ROLLBACKS, "Rollbacks of the canary to 0%, by trigger (auto or manual).", "trigger");
    final Counter apiRejected = counter(API_REJECTED, "Admin API calls refused, by reason.", REASON);
    final Gauge rolloutStatus = Gauge.builder()
            .name(ROLLOUT_STATUS)
            .help("1 for the rollout's status (running, hold, paused, rolled_back, complete), 0 for the others.")
            .labelNames("status")
            .register(registry);
    final Counter mqttMessages = counter(
            MQTT_MESSAGES,
            "Home Assistant bridge messages: in (accepted, invalid, dropped) and out (published, failed, dropped).",
            "direction",
            OUTCOME);
    final Gauge mqttConnected = Gauge.builder()
            .name(MQTT_CONNECTED)
            .help("1 while the Home Assistant bridge is connected to its MQTT broker, else 0.")
            .register(registry);

    private final Map<String, TransportMetrics> transports = new ConcurrentHashMap<>();

    public Metrics() {
        BuildInfo build = BuildInfo.current();
        Info.builder()
                .name(BUILD_INFO)
                .help("Always 1: the version and git revision of the running build.")
                .labelNames("version", "revision")
                .register(registry)
                .setLabelValues(build.version(), build.revision().orElse(""));
        gauge(
                SEND_QUEUE_SIZE,
                "Commands waiting in send queues (not yet in flight), by transport.",
                TRANSPORT,
                Map.of(
                        LEGACY,
                        () -> transport(LEGACY).queueSize(),
                        NEW,
                        () -> transport(NEW).queueSize()));
        transport(LEGACY);
        transport(NEW);
        // Present from the start at 0, so that increase() sees the first rollback.
        for (String trigger : List.of("auto", "manual", "gate")) {
            rollbacks.labelValues(trigger);
        }
    }

    /** Registers a counter whose value is read at scrape time from a count kept elsewhere. */
    public void counter(String exposedName, String help, DoubleSupplier value) {
        String base = exposedName.substring(0, exposedName.length() - "_total".length());
        CounterWithCallback.builder()
                .name(base)
                .help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** Registers a counter with one label whose values are read at scrape time from counts kept elsewhere. */
    public void counter(String exposedName, String help, String label, Map<String, DoubleSupplier> values) {
        String base = exposedName.substring(0, exposedName.length() - "_total".length());
        CounterWithCallback.builder()
                .name(base)
                .help(help)
                .labelNames(label)
                .callback(cb -> values.forEach((v, s) -> cb.call(s.getAsDouble(), v)))
                .register(registry);
    }

    public void rolloutStatus(String status, List<String> all) {
        for (String s : all) {
            rolloutStatus.labelValues(s).set(s.equals(status) ? 1 : 0);
        }
    }

    private Counter counter(String exposedName, String help, String... labels) {
        String base = exposedName.substring(0, exposedName.length() - "_total".length());
        counterLabels.put(base, labels);
        return Counter.builder().name(base).help(help).labelNames(labels).register(registry);
    }

    /** Registers a gauge whose value is read at scrape time. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** Registers a gauge with one label whose values are read at scrape time. */
    public void gauge(String name, String help, String label, Map<String, DoubleSupplier> values) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(label)
                .callback(cb -> values.forEach((v, s) -> cb.call(s.getAsDouble(), v)))
                .register(registry);
    }

    /** The metrics of one transport ({@code legacy} or {@code new}), with its data points cached. */
    public TransportMetrics transport(String label) {
        return transports.computeIfAbsent(label, l -> new TransportMetrics(this, l));
    }

    public void decodeError(String reason) {
        decodeError.labelValues(reason).inc();
    }

    public void connectionFailure(String reason) {
        connectionFailures.labelValues(reason).inc();
    }

    public CounterDataPoint routingDecisionPoint(String transport, String reason) {
        return routingDecision.labelValues(transport, reason);
    }

    public void darkLaunch(String outcome) {
        darkLaunch.labelValues(outcome).inc();
    }

    public void canaryPercentage(double percent) {
        canaryPercentage.set(percent);
    }

    public void rolloutStage(String stage, List<String> allStages) {
        for (String s : allStages) {
            rolloutStage.labelValues(s).set(s.equals(stage) ? 1 : 0);
        }
    }

    public void errorBudgetRemaining(String slo, String transport, double ratio) {
        errorBudgetRemaining.labelValues(slo, transport).set(ratio);
    }

    public void sloCheck(String slo, String result, List<String> allResults) {
        for (String r : allResults) {
            sloCheck.labelValues(slo, r).set(r.equals(result) ? 1 : 0);
        }
    }

    public void apiRejected(String reason) {
        apiRejected.labelValues(reason).inc();
    }

    public void mqttMessage(String direction, String outcome) {
        mqttMessages.labelValues(direction, outcome).inc();
    }

    public void mqttConnected(boolean connected) {
        mqttConnected.set(connected ? 1 : 0);
    }

    public void rollback(String trigger) {
        rollbacks.labelValues(trigger).inc();
    }

    /**
     * The current value of a counter, label values given in the order the counter declares its
     * labels (e.g. transport then reason); 0 when that series does not exist yet. For summaries and tests.
     */
    public double counterValue(String exposedName, String... labelValues) {
        String base = stripTotal(exposedName);
        String[] names = counterLabels.get(base);
        if (names == null || names.length != labelValues.length) {
            throw new IllegalArgumentException(
                    exposedName + " is not a counter with " + labelValues.length + " label(s)");
        }
        for (var snapshot : registry.scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals(base) && snapshot instanceof CounterSnapshot c) {
                for (var dp : c.getDataPoints()) {
                    boolean match = true;
                    for (int i = 0; i < names.length && match; i++) {
                        match = labelValues[i].equals(dp.getLabels().get(names[i]));
                    }
                    if (match) {
                        return dp.getValue();
                    }
                }
            }
        }
        return 0;
    }

    private static String stripTotal(String name) {
        return name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    }

    public MetricSnapshots scrape() {
        return registry.scrape();
    }

    /** Writes every metric in the Prometheus text exposition format (version 0.0.4). */
    public void writeText(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    public String contentType() {
        return writer.getContentType();
    }
}
