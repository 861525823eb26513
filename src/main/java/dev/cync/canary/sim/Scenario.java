package dev.cync.canary.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Settings;
import dev.cync.canary.support.YamlFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rehearsal scenario: the fleet's size and load, how each transport behaves, and faults that
 * change that from one time to another (see config/scenarios/). {@code legacy} and
 * {@code newTransport} are the models under the file's {@code transports.legacy} and
 * {@code transports.new}.
 */
public record Scenario(
        int devices,
        double commandsPerDevicePerHour,
        Model legacy,
        Model newTransport,
        List<Fault> faults,
        Expect expect,
        Duration duration) {

    /**
     * What a rehearsal of the scenario should show (for {@code rehearse --matrix}): the plan completes
     * with no rollback; or a rollback within {@code rollbackWithin} of the first fault on the new
     * transport, and none before it; or holds and no rollback.
     */
    public record Expect(Kind kind, Duration rollbackWithin) {
        public enum Kind {
            COMPLETE,
            ROLLBACK,
            HOLD
        }

        @Override
        public String toString() {
            return switch (kind) {
                case COMPLETE -> "complete";
                case HOLD -> "hold";
                case ROLLBACK -> "rollback_within: " + Durations.format(rollbackWithin);
            };
        }
    }

    public Scenario(
            int devices, double commandsPerDevicePerHour, Model legacy, Model newTransport, List<Fault> faults) {
        this(devices, commandsPerDevicePerHour, legacy, newTransport, faults, null, null);
    }

    /** When the first fault on the new transport starts (null without one): the detection delay counts from here. */
    public Duration firstNewFault() {
        Duration first = null;
        for (Fault f : faults) {
            if ("new".equals(f.transport())
                    && (f.success() != null || f.p50Ms() != null)
                    && (first == null || f.from().compareTo(first) < 0)) {
                first = f.from();
            }
        }
        return first;
    }

    /** How a transport behaves: its success probability and a log-normal latency fitted to p50 and p99. */
    public record Model(double success, double p50Ms, double p99Ms) {
        public Model {
            if (!(success >= 0 && success <= 1)) {
                throw new IllegalArgumentException("success must be from 0 to 1, got " + success);
            }
            if (!(p50Ms > 0) || !(p99Ms >= p50Ms)) {
                throw new IllegalArgumentException(
                        "latencyMs needs 0 < p50 <= p99, got p50 " + p50Ms + ", p99 " + p99Ms);
            }
        }

        /** mu and sigma of ln(latency): median p50, and p99 at z = 2.3263. */
        double mu() {
            return Math.log(p50Ms);
        }

        double sigma() {
            return (Math.log(p99Ms) - Math.log(p50Ms)) / 2.3263;
        }
    }

    /**
     * A change from {@code from} until {@code until} (null: to the end), to one transport (null: both);
     * with {@code every}, the same stretch again every that long (a flapping fault).
     */
    public record Fault(
            String transport,
            Duration from,
            Duration until,
            Double success,
            Double p50Ms,
            Double p99Ms,
            Double trafficFactor,
            Duration every) {
        public Fault(
                String transport,
                Duration from,
                Duration until,
                Double success,
                Double p50Ms,
                Double p99Ms,
                Double trafficFactor) {
            this(transport, from, until, success, p50Ms, p99Ms, trafficFactor, null);
        }

        boolean active(Duration at) {
            if (at.compareTo(from) < 0) {
                return false;
            }
            if (every == null) {
                return until == null || at.compareTo(until) < 0;
            }
            long into = at.minus(from).toMillis() % every.toMillis();
            return until != null && into < until.minus(from).toMillis();
        }
    }

    public static final String DEFAULT = "/config/scenarios/healthy.yaml";

    public Scenario {
        faults = List.copyOf(faults);
        if (devices < 1 || devices > 10_000_000) {
            throw new IllegalArgumentException("devices must be from 1 to 10000000, got " + devices);
        }
        if (!(commandsPerDevicePerHour >= 0) || Double.isInfinite(commandsPerDevicePerHour)) {
            throw new IllegalArgumentException(
                    "commandsPerDevicePerHour must be a number >= 0, got " + commandsPerDevicePerHour);
        }
    }

    /** The model of {@code transport} ({@code legacy} or {@code new}) at {@code elapsed} into the scenario. */
    public Model model(String transport, Duration elapsed) {
        Model m = transport.equals("new") ? newTransport : legacy;
        for (Fault f : faults) {
            if (f.active(elapsed)
                    && (f.transport() == null || f.transport().equals(transport))
                    && (f.success() != null || f.p50Ms() != null)) {
                m = new Model(
                        f.success() != null ? f.success() : m.success(),
                        f.p50Ms() != null ? f.p50Ms() : m.p50Ms(),
                        f.p99Ms() != null ? f.p99Ms() : m.p99Ms());
            }
        }
        return m;
    }

    /** The load multiplier at {@code elapsed} (1 unless a fault says otherwise). */
    public double trafficFactor(Duration elapsed) {
        double factor = 1;
        for (Fault f : faults) {
            if (f.active(elapsed) && f.trafficFactor() != null) {
                factor = f.trafficFactor();
            }
        }
        return factor;
    }

    public static Scenario load(Path file) throws IOException {
        YamlFiles.Source src = YamlFiles.read(file, DEFAULT, "scenario file", "the built-in healthy scenario");
        try {
            return parse(src.root());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src.name() + ": " + e.getMessage(), e);
        }
    }

    /** Strict: an unknown key, a wrong type or a missing transport model is refused, naming the key. */
    static Scenario parse(JsonNode root) {
        Settings s = new Settings("", root);
        int devices = s.integer("devices", 1000);
        double rate = s.number("commandsPerDevicePerHour", 6);
        Settings t = s.section("transports");
        Model legacy = model(t.section("legacy"));
        Model newTransport = model(t.section("new"));
        t.finish();
        List<Fault> faults = new ArrayList<>();
        for (Settings f : s.list("faults")) {
            String transport = f.string("transport", null);
            if (transport != null && !transport.equals("new") && !transport.equals("legacy")) {
                throw new IllegalArgumentException("faults: transport must be new or legacy, got '" + transport + "'");
            }
            Duration from = f.duration("from", Duration.ZERO);
            Duration until = f.duration("until", null);
            Duration every = f.duration("every", null);
            if (every != null && (until == null || every.isZero())) {
                throw new IllegalArgumentException(
                        "faults: a fault with 'every' needs 'until' (the first stretch) and a positive period");
            }
            Settings lat = f.section("latencyMs");
            faults.add(new Fault(
                    transport,
                    from,
                    until,
                    f.optionalNumber("success"),
                    lat.optionalNumber("p50"),
                    lat.optionalNumber("p99"),
                    f.optionalNumber("trafficFactor"),
                    every));
            lat.finish();
            f.finish();
        }
        Expect expect = expect(s.raw("expect"));
        Duration duration = s.duration("duration", null);
        s.finish();
        return new Scenario(devices, rate, legacy, newTransport, faults, expect, duration);
    }

    /** {@code expect: complete | hold | {rollback_within: 30m}} (or the string "rollback_within: 30m"). */
    static Expect expect(JsonNode e) {
        if (e == null || e.isNull()) {
            return null;
        }
        if (e.isObject() && e.has("rollback_within") && e.size() == 1) {
            return new Expect(
                    Expect.Kind.ROLLBACK,
                    Durations.parse(e.get("rollback_within").asText()));
        }
        String text = e.asText().trim();
        if (text.equals("complete")) {
            return new Expect(Expect.Kind.COMPLETE, null);
        }
        if (text.equals("hold")) {
            return new Expect(Expect.Kind.HOLD, null);
        }
        if (text.startsWith("rollback_within:")) {
            return new Expect(
                    Expect.Kind.ROLLBACK,
                    Durations.parse(text.substring("rollback_within:".length()).trim()));
        }
        throw new IllegalArgumentException(
                "expect: must be complete, hold or rollback_within: DURATION, got '" + e + "'");
    }

    private static Model model(Settings n) {
        if (!n.present()) {
            throw new IllegalArgumentException(
                    n.path() + " is required: {success: 0.995, latencyMs: {p50: 80, p99: 400}}");
        }
        Settings lat = n.section("latencyMs");
        Model m;
        try {
            m = new Model(
                    n.number("success", Double.NaN), lat.number("p50", Double.NaN), lat.number("p99", Double.NaN));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(n.path() + ": " + e.getMessage(), e);
        }
        lat.finish();
        n.finish();
        return m;
    }
}
