package dev.cync.canary.slo;

import java.time.Duration;
import java.util.Locale;

/**
 * The automatic rollback's sequential test: a CUSUM of the binomial log-likelihood ratio of
 * "bad events at {@code burnRate} times the allowed rate" against "exactly the allowed rate",
 * minute by minute over the last {@code lookback}:
 *
 * <pre>
 *   S = max(0, S + bad x ln(p1 / p0) + good x ln((1 - p1) / (1 - p0))),   p0 = 1 - target, p1 = burnRate x p0
 * </pre>
 *
 * and an alarm when S reaches {@code h = ln(2 x 43,200 / falseAlarmsPerMonth)}. Evidence adds up
 * command by command at whatever rate the commands come, so it needs no window length tuned to the
 * fleet: a 1,000-device fleet's 99.0% (burn rate 10) is seen in about 1,100 commands, a 60-device
 * fleet's 80% in about 35.
 *
 * <p>False alarms (docs/slo.md has the derivation): S at minute t is the largest sum of the ratio
 * over the minutes from some start s to t. For a transport at (or better than) its target, exp of
 * that sum from a fixed start is a non-negative supermartingale with mean at most 1, so it ever
 * reaches e^h with probability at most e^-h (Ville's inequality). A month has 43,200 starting
 * minutes and there are two checks (success and latency): at most 2 x 43,200 x e^-h =
 * {@code falseAlarmsPerMonth}, whatever the fleet's size, and a rollback needs three consecutive
 * alarms on top.
 *
 * <p>Stateless: recomputed every minute from the per-minute counts in {@link SloWindows}, so it
 * survives a restart with the windows and needs no state of its own.
 */
public final class Cusum {

    /** Looks a month has: starting minutes of a 30-day month, times the two checks (success, latency). */
    static final double LOOKS_PER_MONTH = 2 * 43_200.0;

    /**
     * @param burnRate the fault the test is tuned to, as a multiple of the allowed bad rate (10: a
     *     99.9% objective's transport at 99.0%); bigger faults are caught sooner, smaller ones later
     * @param falseAlarmsPerMonth the designed chance of a false alarm in a month for a transport
     *     exactly at its target (less for a better one)
     * @param lookback how far back the sum may start (the longest stretch of evidence it adds up)
     */
    public record Settings(double burnRate, double falseAlarmsPerMonth, Duration lookback) {
        public Settings {
            if (!(burnRate > 1 && burnRate <= 1000)) {
                throw new IllegalArgumentException(
                        "autoRollback.sequential.burnRate: must be above 1 and at most 1000, got " + burnRate);
            }
            if (!(falseAlarmsPerMonth > 0 && falseAlarmsPerMonth < 1)) {
                throw new IllegalArgumentException(
                        "autoRollback.sequential.falseAlarmsPerMonth: must be above 0 and below 1 (like 0.01), got "
                                + falseAlarmsPerMonth);
            }
            if (lookback.toMinutes() < 1 || lookback.compareTo(SloWindows.HISTORY) > 0) {
                throw new IllegalArgumentException(
                        "autoRollback.sequential.lookback: must be from 1m to 30d, got " + lookback);
            }
        }

        /** The alarm threshold h = ln(looks per month / false alarms per month). */
        public double threshold() {
            return Math.log(LOOKS_PER_MONTH / falseAlarmsPerMonth);
        }
    }

    /** The statistic now and whether it reached the threshold. */
    public record Result(boolean alarm, double statistic, double threshold, long commands, String detail) {}

    private Cusum() {}

    /**
     * @param perMinute {@code [good, total, ...]} oldest first ({@link SloWindows#perMinute})
     * @param targetPpm the share of good events allowed at least (p0 = 1 - target)
     */
    public static Result judge(long[] perMinute, long targetPpm, Settings settings) {
        double p0 = (Objective.MILLION - targetPpm) / (double) Objective.MILLION;
        double p1 = Math.min(0.999, p0 * settings.burnRate());
        double h = settings.threshold();
        if (!(p0 > 0) || !(p1 > p0)) {
            return new Result(false, 0, h, 0, "no test: a 100% target allows no bad event");
        }
        double perBad = Math.log(p1 / p0);
        double perGood = Math.log1p(-p1) - Math.log1p(-p0);
        double s = 0;
        long commands = 0;
        long counted = 0;
        for (int i = 0; i + 1 < perMinute.length; i += 2) {
            long good = perMinute[i];
            long total = perMinute[i + 1];
            s = Math.max(0, s + (total - good) * perBad + good * perGood);
            // The commands behind the current run of the sum (since it last stood at 0).
            counted = s == 0 ? 0 : counted + total;
            commands += total;
        }
        double stat = s;
        long run = counted;
        boolean alarm = stat >= h;
        // The text only for an alarm: every other minute of a month would format it for nobody.
        return new Result(
                alarm,
                stat,
                h,
                commands,
                alarm
                        ? String.format(
                                Locale.ROOT,
                                "sequential test (CUSUM, burn rate %s) %.1f >= %.1f over the last %d commands",
                                trim(settings.burnRate()),
                                stat,
                                h,
                                run)
                        : "below the threshold");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
