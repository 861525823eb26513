package dev.cync.canary.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeListenersTest {

    private static final CommandOutcome TIMEOUT = new CommandOutcome(
            DeviceCommand.power(7, true), TransportKind.NEW, Outcome.TIMEOUT, 2, Duration.ofSeconds(1));

    @Test
    void aThrowingListenerIsCountedAndTheNextListenerStillHears() {
        OutcomeListeners listeners = new OutcomeListeners();
        List<String> heard = new ArrayList<>();
        listeners.add(o -> heard.add("first " + o.outcome().label()));
        listeners.add(o -> {
            throw new IllegalStateException("a broken listener");
        });
        listeners.add(o -> heard.add("third " + o.outcome().label()));

        listeners.dispatch(TIMEOUT);
        listeners.dispatch(TIMEOUT);

        assertThat(heard).containsExactly("first timeout", "third timeout", "first timeout", "third timeout");
        assertThat(listeners.failures()).isEqualTo(2);
    }

    @Test
    void withoutListenersADispatchDoesNothingAndCountsNothing() {
        OutcomeListeners listeners = new OutcomeListeners();
        listeners.dispatch(TIMEOUT);
        assertThat(listeners.failures()).isZero();
    }

    @Test
    void aListenerAddedDuringADispatchHearsTheNextOutcome() {
        OutcomeListeners listeners = new OutcomeListeners();
        List<CommandOutcome> late = new ArrayList<>();
        listeners.add(o -> {
            if (late.isEmpty()) {
                listeners.add(late::add);
            }
        });
        listeners.dispatch(TIMEOUT);
        listeners.dispatch(TIMEOUT);
        assertThat(late).hasSize(1);
    }
}
