package dev.cync.canary.http;

import dev.cync.canary.rollout.RolloutEvent;
import dev.cync.canary.rollout.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollout as a timeline, read from its event history: when each stage of the plan was last
 * entered and left (and by which event), which events were holds and rollbacks, and the last
 * decision the controller took by itself. A pure function of the plan's stage names and the history.
 */
final class StatusTimeline {

    /** One visit to a stage: entered by one event, left by another (null while it lasts). */
    record Visit(String stage, Instant enteredAt, String enteredBy, Instant exitedAt, String exitedBy) {}

    /** The decisions the controller takes by itself (the page marks them as automatic). */
    private static final Set<RolloutEvent> AUTOMATIC =
            EnumSet.of(RolloutEvent.HOLD, RolloutEvent.GATE_FAILED, RolloutEvent.AUTO_ROLLBACK);
    /** An operator's promotion reads "promoted by ACTOR: ..."; the plan's own reads "gates passed: ...". */
    private static final String OPERATOR_PROMOTION = "promoted by ";

    private StatusTimeline() {}

    /** Every visit in order, the last one open when the rollout is still in that stage. */
    static List<Visit> visits(List<RolloutState.Event> history) {
        List<Visit> out = new ArrayList<>();
        Visit open = null;
        for (RolloutState.Event e : history) {
            if (open != null && open.stage().equals(e.stage())) {
                continue;
            }
            if (open != null) {
                out.add(new Visit(
                        open.stage(),
                        open.enteredAt(),
                        open.enteredBy(),
                        e.at(),
                        e.event().label()));
            }
            open = new Visit(e.stage(), e.at(), e.event().label(), null, null);
        }
        if (open != null) {
            out.add(open);
        }
        return out;
    }

    /** Whether the controller took this decision by itself (not an operator, not the start). */
    static boolean automatic(RolloutState.Event e) {
        if (AUTOMATIC.contains(e.event())) {
            return true;
        }
        return e.event().isPromotion() && (e.reason() == null || !e.reason().startsWith(OPERATOR_PROMOTION));
    }

    /** The newest automatic decision as the page shows it (see {@link #events}), or null when there was none. */
    static Map<String, Object> lastAutomatic(List<RolloutState.Event> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (automatic(history.get(i))) {
                return event(history.get(i), i == 0 ? null : history.get(i - 1).stage());
            }
        }
        return null;
    }

    /** The last {@code tail} events as the page shows them, oldest first. */
    static List<Map<String, Object>> events(List<RolloutState.Event> history, int tail) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = Math.max(0, history.size() - tail); i < history.size(); i++) {
            out.add(event(history.get(i), i == 0 ? null : history.get(i - 1).stage()));
        }
        return out;
    }

    /**
     * Each stage of the plan in order with its last visit: {@code state} is {@code current} for the
     * stage the rollout is in, {@code done} for one it was in and left, {@code pending} for one it never reached.
     */
    static List<Map<String, Object>> stages(List<String> plan, int current, List<Visit> visits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String name = plan.get(i);
            Visit last = null;
            int count = 0;
            for (Visit v : visits) {
                if (v.stage().equals(name)) {
                    last = v;
                    count++;
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", name);
            s.put("state", i == current ? "current" : last != null ? "done" : "pending");
            s.put("visits", count);
            s.put("entered_at", last == null ? null : last.enteredAt());
            s.put("entered_by", last == null ? null : last.enteredBy());
            s.put("exited_at", last == null || i == current ? null : last.exitedAt());
            s.put("exited_by", last == null || i == current ? null : last.exitedBy());
            out.add(s);
        }
        return out;
    }

    /**
     * The event as the page shows it, with its kind (rollback, hold, automatic, operator) and, when it
     * moved the rollout to another stage, the stage it left ({@code from_stage}): an event records the
     * stage after it, so a rollback from canary_10 reads "dark_launch" alone.
     */
    static Map<String, Object> event(RolloutState.Event e, String previousStage) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("at", e.at());
        v.put("event", e.event().label());
        v.put("stage", e.stage());
        v.put("from_stage", previousStage == null || previousStage.equals(e.stage()) ? null : previousStage);
        v.put("canary_percent", e.canaryPercent());
        v.put("reason", e.reason());
        v.put(
                "kind",
                e.event().isRollback()
                        ? "rollback"
                        : e.event().isHold() ? "hold" : automatic(e) ? "automatic" : "operator");
        v.put("automatic", automatic(e));
        return v;
    }
}
