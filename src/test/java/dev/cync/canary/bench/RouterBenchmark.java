package dev.cync.canary.bench;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.TransportKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision: ours (a pure function of id and snapshot) against the
 * reference design's router, which memoises each device's first decision in a map. Ids cycle
 * through 65,536 realistic device ids. Run: {@code scripts/jmh.sh RouterBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RouterBenchmark {

    static final int IDS = 1 << 16;

    String[] ids;
    dev.cync.canary.transport.DeviceCommand[] commands;
    int next;
    CanaryRouter router;
    MemoizingRouter memoizing;

    /** The spec's CanaryRouter: sticky per-device assignments in a map, filled on first sight. */
    static final class MemoizingRouter {
        private final Map<String, String> assignments = new HashMap<>();
        private final int basisPoints;

        MemoizingRouter(int basisPoints) {
            this.basisPoints = basisPoints;
        }

        boolean useNew(String deviceId) {
            String a = assignments.get(deviceId);
            if (a != null) {
                return a.equals("new");
            }
            boolean n = CanaryRouter.bucket("cync-canary", deviceId) < basisPoints;
            assignments.put(deviceId, n ? "new" : "legacy");
            return n;
        }

        int size() {
            return assignments.size();
        }
    }

    @Setup
    public void setup() {
        ids = new String[IDS];
        for (int i = 0; i < IDS; i++) {
            ids[i] = String.format("%08x", i * 0x9E3779B1);
        }
        router = new CanaryRouter(
                new RoutingConfig(2500, "cync-canary", Set.of("0badbeef"), Set.of("0badf00d"), false, false, 0, 1),
                new Metrics());
        commands = new DeviceCommand[IDS];
        for (int i = 0; i < IDS; i++) {
            commands[i] = DeviceCommand.power(new DeviceId(i * 0x9E3779B1), true);
        }
        memoizing = new MemoizingRouter(2500);
        for (String id : ids) {
            memoizing.useNew(id);
        }
    }

    private String nextId() {
        next = (next + 1) & (IDS - 1);
        return ids[next];
    }

    @Benchmark
    public TransportKind route() {
        return router.route(nextId());
    }

    /**
     * What {@code CanarySender.send} pays per command since the router hashes the endpoint (issue 9):
     * the command's routing id (its endpoint's eight hex digits) and then the decision.
     */
    @Benchmark
    public TransportKind routeCommand() {
        next = (next + 1) & (IDS - 1);
        return router.route(commands[next].routingId());
    }

    @Benchmark
    public CanaryRouter.Decision explain() {
        return router.explain(nextId());
    }

    @Benchmark
    public boolean memoizingBaseline() {
        return memoizing.useNew(nextId());
    }
}
