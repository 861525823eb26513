package dev.cync.canary.rollout;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rollout's gauges: the stage and status ({@code canary_rollout_*}) and each minute's SLO checks. */
final class RolloutMetrics {

    /** The values of {@code canary_rollout_status}: "overdue" is a pause by the plan itself, asking an operator. */
    static final List<String> STATUSES = List.of("running", "hold", "paused", "overdue", "rolled_back", "complete");

    private static final List<String> CHECK_RESULTS = List.of("pass", "fail", "no_data");

    private final Metrics metrics;
    /** The values of {@code canary_rollout_stage}: the plan's stages, then the two ends. */
    private final List<String> stages;

    RolloutMetrics(Metrics metrics, RolloutPlan plan) {
        this.metrics = metrics;
        List<String> names = new ArrayList<>();
        plan.stages().forEach(s -> names.add(s.name()));
        names.add("rolled_back");
        names.add("complete");
        this.stages = List.copyOf(names);
    }

    /** Publishes where the machine stands (overdue is a paused plan that asks an operator). */
    void stage(StageMachine machine) {
        RolloutState state = machine.state();
        String status = machine.overdueNow() ? "overdue" : state.status().name().toLowerCase(Locale.ROOT);
        String current = switch (state.status()) {
            case ROLLED_BACK -> "rolled_back";
            case COMPLETE -> "complete";
            default -> machine.stage().name();
        };
        metrics.rolloutStage(current, stages);
        metrics.rolloutStatus(status, STATUSES);
    }

    /** Publishes a minute's checks: each objective's verdict on the new transport, and both transports' budgets. */
    void checks(List<Check> newTransport, List<Check> legacy) {
        for (Check c : newTransport) {
            metrics.sloCheck(c.objective().name(), c.result().label(), CHECK_RESULTS);
            metrics.errorBudgetRemaining(c.objective().name(), RolloutController.NEW, c.budgetRemaining());
        }
        for (Check c : legacy) {
            metrics.errorBudgetRemaining(c.objective().name(), RolloutController.LEGACY, c.budgetRemaining());
        }
    }
}
