package dev.cync.canary.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.support.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The automatic rollback's sequential test: its threshold, its alarms, and its silence. */
class CusumTest {

    static final long P999 = 999_000;
    static final Cusum.Settings SHIPPED = new Cusum.Settings(10, 0.01, Duration.ofHours(6));

    @Test
    void theThresholdIsTheLogOfLooksPerMonthOverTheFalseAlarmRate() {
        // ln(2 x 43,200 / 0.01) = ln(8.64e6)
        assertThat(SHIPPED.threshold()).isCloseTo(15.972, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aTransportAtTenTimesTheAllowedRateAlarmsAfterAboutSixteenOverItsPerCommandEvidence() {
        // Per command at 99.0%: 0.01 x ln 10 + 0.99 x ln(0.99 / 0.999) = 0.0141 nats; 16 nats are ~1,100 commands.
        long[] minutes = new long[2 * 30];
        for (int i = 0; i < 30; i++) {
            minutes[2 * i] = 99;
            minutes[2 * i + 1] = 100;
        }
        long[] first10 = java.util.Arrays.copyOf(minutes, 20);
        assertThat(Cusum.judge(first10, P999, SHIPPED).alarm()).isFalse();
        Cusum.Result r = Cusum.judge(minutes, P999, SHIPPED);
        assertThat(r.alarm()).isTrue();
        assertThat(r.statistic()).isCloseTo(30 * 100 * 0.01407, org.assertj.core.data.Offset.offset(0.5));
        assertThat(r.detail()).contains("CUSUM").contains(">= 16.0");
    }

    @Test
    void sevenFailuresInARowAmongASmallFleetsFewCommandsAlarm() {
        // 60 devices at 80%: each failure adds ln 10 = 2.30; 7 of them (16.1) cross the threshold.
        long[] minutes = {1, 1, 0, 1, 0, 2, 1, 2, 0, 1, 0, 1, 0, 1};
        assertThat(Cusum.judge(minutes, P999, SHIPPED).alarm()).isTrue();
        long[] six = {1, 1, 0, 1, 0, 2, 1, 2, 0, 1, 0, 1};
        assertThat(Cusum.judge(six, P999, SHIPPED).alarm()).isFalse();
    }

    @Test
    void aTransportExactlyAtItsTargetForAWeekOfMinutesNeverAlarms() {
        // 100 commands a minute at exactly 99.9% for 7 days: the bound allows 1% a month for every minute's look.
        Random random = new Random(12);
        int n = 7 * 1440;
        long[] all = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long bad = 0;
            for (int c = 0; c < 100; c++) {
                bad += random.nextDouble() < 0.001 ? 1 : 0;
            }
            all[2 * i] = 100 - bad;
            all[2 * i + 1] = 100;
        }
        double worst = 0;
        for (int t = 1; t <= n; t++) {
            int from = Math.max(0, t - 360);
            long[] window = java.util.Arrays.copyOfRange(all, 2 * from, 2 * t);
            Cusum.Result r = Cusum.judge(window, P999, SHIPPED);
            assertThat(r.alarm()).as("minute %d", t).isFalse();
            worst = Math.max(worst, r.statistic());
        }
        assertThat(worst).isLessThan(SHIPPED.threshold());
    }

    @Test
    void theShippedSloFileTurnsItOnAndBadSettingsGetOneLine() throws IOException {
        assertThat(SloSpec.load(null).autoRollback().sequential()).isEqualTo(SHIPPED);
        String shipped = Files.readString(Path.of("config/slo.yaml"));
        String bad = shipped.replace("burnRate: 10,", "burnRate: 0.5,");
        assertThatThrownBy(() -> SloSpec.parse(Json.yaml().readTree(bad)))
                .hasMessageContaining("autoRollback.sequential.burnRate");
        String typo = shipped.replace("falseAlarmsPerMonth:", "falseAlarms:");
        assertThatThrownBy(() -> SloSpec.parse(Json.yaml().readTree(typo))).hasMessageContaining("falseAlarms");
    }
}
