package dev.cync.canary.bench;

import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import java.lang.management.ManagementFactory;
import java.util.Set;

/**
 * Heap held per million routed devices: ours against the memoising reference router.
 * Run: {@code scripts/jmh.sh} builds the classpath; then
 * {@code java -cp target/test-classes:target/classes:$(cat target/test.classpath) dev.cync.canary.bench.RouterMemory}.
 */
public final class RouterMemory {

    private RouterMemory() {}

    static long heap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("%08x", i * 0x9E3779B1);
        }
        long base = heap();
        CanaryRouter ours =
                new CanaryRouter(new RoutingConfig(2500, "cync-canary", Set.of(), Set.of(), false, false, 0, 1), null);
        long sink = 0;
        for (String id : ids) {
            sink += ours.route(id).ordinal();
        }
        long afterOurs = heap();
        RouterBenchmark.MemoizingRouter memo = new RouterBenchmark.MemoizingRouter(2500);
        for (String id : ids) {
            sink += memo.useNew(id) ? 1 : 0;
        }
        long afterMemo = heap();
        System.out.printf("devices routed: %d (checksum %d, memo size %d)%n", n, sink, memo.size());
        System.out.printf(
                "ours:      %,d bytes held after routing them all (%.1f bytes/device)%n",
                afterOurs - base, (afterOurs - base) / (double) n);
        System.out.printf(
                "memoising: %,d bytes held (%.1f bytes/device; the ids themselves are shared, not counted)%n",
                afterMemo - afterOurs, (afterMemo - afterOurs) / (double) n);
    }
}
