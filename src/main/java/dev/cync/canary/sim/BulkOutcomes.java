package dev.cync.canary.sim;

import dev.cync.canary.support.NormalDistribution;
import java.time.Duration;
import java.util.Random;

/**
 * The rehearsal's bulk outcome model: a minute of a transport's commands as counts drawn from the
 * distributions {@link ModelledTransport} draws one command at a time from, instead of one draw per
 * command. A command succeeds with the scenario's probability and a log-normal latency within the
 * deadline, and is "fast" when that latency is within the latency objective's threshold, so
 *
 * <pre>
 *   succeeded ~ Binomial(n, success x P(latency <= deadline))
 *   fast      ~ Binomial(succeeded, P(latency <= threshold) / P(latency <= deadline))
 * </pre>
 *
 * exactly the joint law of the per-command model's counts (a multinomial over fast, slow-but-in-time
 * and failed, drawn as two conditional binomials). A month of a 10,000-device fleet is then ~43,200
 * minutes x a few draws, not millions of simulated commands; every draw comes from one seeded
 * {@link Random}, so a seed gives the same counts every run.
 *
 * <p>Not thread-safe: one rehearsal, one instance.
 */
public final class BulkOutcomes {

    /** One minute of one transport: commands, how many succeeded, and how many of those within the latency threshold. */
    public record Counts(long commands, long succeeded, long fast) {}

    private final Scenario scenario;
    private final double deadlineMs;
    private final double thresholdMs;
    private final Random random;

    /**
     * @param deadline a command slower than this times out (fails)
     * @param latencyThreshold the latency objective's threshold (a success within it is "fast")
     */
    public BulkOutcomes(Scenario scenario, Duration deadline, Duration latencyThreshold, long seed) {
        this.scenario = scenario;
        this.deadlineMs = deadline.toNanos() / 1e6;
        this.thresholdMs = Math.min(deadlineMs, latencyThreshold.toNanos() / 1e6);
        this.random = new Random(seed);
    }

    /** The outcomes of {@code n} commands on {@code transport} ({@code legacy} or {@code new}) at {@code elapsed} into the scenario. */
    public Counts draw(String transport, Duration elapsed, long n) {
        if (n == 0) {
            return new Counts(0, 0, 0);
        }
        Scenario.Model m = scenario.model(transport, elapsed);
        double inTime = lognormalCdf(deadlineMs, m);
        long ok = binomial(n, m.success() * inTime, random);
        long fast = inTime > 0 ? binomial(ok, Math.min(1, lognormalCdf(thresholdMs, m) / inTime), random) : 0;
        return new Counts(n, ok, fast);
    }

    /** The random source of the rehearsal's traffic (how many commands, which devices), the same seeded stream. */
    public Random random() {
        return random;
    }

    /** P(latency <= ms) for the model's log-normal latency. */
    static double lognormalCdf(double ms, Scenario.Model m) {
        if (m.sigma() == 0) {
            return ms >= m.p50Ms() ? 1 : 0;
        }
        return NormalDistribution.cdf((Math.log(ms) - m.mu()) / m.sigma());
    }

    /**
     * An exact Binomial(n, p) draw. The rarer side is counted by geometric gaps between its events
     * (the number of trials up to the next event is geometric), so a draw costs about
     * n x min(p, 1 - p) + 1 uniform numbers: a few per minute for a healthy transport.
     */
    public static long binomial(long n, double p, Random r) {
        if (n < 0 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("binomial needs n >= 0 and 0 <= p <= 1, got n " + n + ", p " + p);
        }
        if (p > 0.5) {
            return n - binomial(n, 1 - p, r);
        }
        if (p == 0 || n == 0) {
            return 0;
        }
        double logQ = Math.log1p(-p);
        long events = 0;
        long position = 0;
        while (true) {
            // Trials up to and including the next event: 1 + floor(ln U / ln(1 - p)), U uniform in (0, 1].
            double gap = Math.floor(Math.log(1 - r.nextDouble()) / logQ) + 1;
            if (position + gap > n) {
                return events;
            }
            position += (long) gap;
            events++;
        }
    }

    /** A Poisson(lambda) draw: Knuth's method in chunks of 500 (exp(-500) still fits a double). */
    public static long poisson(double lambda, Random r) {
        long n = 0;
        while (lambda > 0) {
            double chunk = Math.min(lambda, 500);
            lambda -= chunk;
            double limit = Math.exp(-chunk);
            double p = r.nextDouble();
            while (p > limit) {
                n++;
                p *= r.nextDouble();
            }
        }
        return n;
    }

    /**
     * Splits {@code n} commands among groups of devices of the given sizes, each command's device
     * drawn uniformly from the fleet: a multinomial draw, as conditional binomials.
     */
    public static long[] split(long n, long[] groupSizes, Random r) {
        long[] out = new long[groupSizes.length];
        long devicesLeft = 0;
        for (long g : groupSizes) {
            devicesLeft += g;
        }
        long left = n;
        for (int i = 0; i < groupSizes.length && left > 0; i++) {
            if (i == groupSizes.length - 1 || groupSizes[i] == devicesLeft) {
                out[i] = left;
                left = 0;
                break;
            }
            out[i] = devicesLeft == 0 ? 0 : binomial(left, (double) groupSizes[i] / devicesLeft, r);
            left -= out[i];
            devicesLeft -= groupSizes[i];
        }
        return out;
    }
}
