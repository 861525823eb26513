package dev.cync.canary.bench;

import dev.cync.canary.sim.Faults;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What one bench run measures, as the command line gave it.
 *
 * @param devices simulated devices
 * @param commands measured commands per arm
 * @param warmup unmeasured commands per arm, before any arm is measured
 * @param rate open loop at this many commands per second (Poisson); empty: closed loop
 * @param concurrency commands outstanding in closed loop
 * @param arms the arms, in the order they run
 * @param dedup whether simulated devices drop repeated commands
 * @param fleetProcess the fleet in a child JVM, so this one holds the controller alone
 * @param faults the fleet's faults
 * @param seed the seed of the fleet and of the load
 * @param jvm how to start the child fleet
 */
public record BenchSettings(
        int devices,
        long commands,
        long warmup,
        OptionalDouble rate,
        int concurrency,
        List<Arm> arms,
        boolean dedup,
        boolean fleetProcess,
        Faults faults,
        long seed,
        ChildJvm jvm) {

    public BenchSettings {
        arms = List.copyOf(arms);
    }

    /** The load as the report names it. */
    String load() {
        return rate.isEmpty()
                ? "closed loop, " + concurrency + " outstanding"
                : rate.getAsDouble() + " commands/s (Poisson)";
    }
}
