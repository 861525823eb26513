package dev.cync.canary.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.rollout.RolloutEvent;
import dev.cync.canary.rollout.RolloutState.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout timeline read from its event history. */
class StatusTimelineTest {

    static Instant day(int d) {
        return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(86_400L * d);
    }

    final List<Event> history = List.of(
            new Event(day(0), RolloutEvent.START, "dark_launch", "0", "plan phase2 started"),
            new Event(day(1), RolloutEvent.HOLD, "dark_launch", "0", "no data for mirror_data"),
            new Event(day(2), RolloutEvent.PROMOTE, "canary_10", "10", "gates passed: slos_met"),
            new Event(day(3), RolloutEvent.PROMOTE, "canary_25", "25", "promoted by api:ops: looks good"),
            new Event(
                    day(4),
                    RolloutEvent.AUTO_ROLLBACK,
                    "dark_launch",
                    "0",
                    "3 consecutive failed checks: success 97% < 99.9%"),
            new Event(day(5), RolloutEvent.RESUME, "dark_launch", "0", "by api:ops: fixed"));

    @Test
    void eachVisitRunsFromTheEventThatEnteredAStageToTheOneThatLeftIt() {
        List<StatusTimeline.Visit> v = StatusTimeline.visits(history);
        assertThat(v)
                .extracting(StatusTimeline.Visit::stage)
                .containsExactly("dark_launch", "canary_10", "canary_25", "dark_launch");
        assertThat(v.get(0)).isEqualTo(new StatusTimeline.Visit("dark_launch", day(0), "start", day(2), "promote"));
        assertThat(v.get(2))
                .isEqualTo(new StatusTimeline.Visit("canary_25", day(3), "promote", day(4), "auto_rollback"));
        assertThat(v.get(3).exitedAt()).isNull();
    }

    @Test
    void theStagesShowTheirLastVisitAndWhichOneIsCurrent() {
        List<Map<String, Object>> s = StatusTimeline.stages(
                List.of("dark_launch", "canary_10", "canary_25", "canary_50"), 0, StatusTimeline.visits(history));
        assertThat(s).extracting(m -> m.get("state")).containsExactly("current", "done", "done", "pending");
        assertThat(s.get(0).get("entered_at")).isEqualTo(day(4));
        assertThat(s.get(0).get("visits")).isEqualTo(2);
        assertThat(s.get(0).get("exited_at")).isNull();
        assertThat(s.get(2).get("exited_by")).isEqualTo("auto_rollback");
        assertThat(s.get(3).get("entered_at")).isNull();
    }

    @Test
    void theLastAutomaticDecisionSkipsWhatOperatorsDid() {
        Map<String, Object> last = StatusTimeline.lastAutomatic(history);
        assertThat(last.get("event")).isEqualTo("auto_rollback");
        assertThat(last.get("stage")).isEqualTo("dark_launch");
        assertThat(last.get("from_stage")).isEqualTo("canary_25");
        assertThat(last.get("reason")).asString().startsWith("3 consecutive failed checks");
        assertThat(StatusTimeline.lastAutomatic(history.subList(0, 4)).get("event"))
                .isEqualTo("promote");
        assertThat(StatusTimeline.lastAutomatic(history.subList(0, 4)).get("stage"))
                .isEqualTo("canary_10");
        assertThat(StatusTimeline.lastAutomatic(history.subList(0, 1))).isNull();
        List<Map<String, Object>> events = StatusTimeline.events(history, 100);
        assertThat(events)
                .extracting(e -> e.get("kind"))
                .containsExactly("operator", "hold", "automatic", "operator", "rollback", "operator");
        assertThat(events.get(1).get("from_stage")).isNull();
        assertThat(StatusTimeline.events(history, 2))
                .extracting(e -> e.get("event"))
                .containsExactly("auto_rollback", "resume");
    }
}
