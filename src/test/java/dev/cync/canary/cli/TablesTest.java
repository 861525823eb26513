package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What the CLI's tables print instead of raw Java maps, JSON arrays and nulls. */
class TablesTest {

    @Test
    void columnsAreAlignedAndTrailingSpaceTrimmed() {
        String nl = System.lineSeparator();
        assertThat(Table.render(
                        List.of(List.of("gate", "result"), List.of("slos_met", "pass"), List.of("min_devices", "-"))))
                .isEqualTo("gate         result" + nl + "slos_met     pass" + nl + "min_devices  -" + nl);
    }

    @Test
    void jsonValuesReadAsTextNeverAsJsonOrNull() throws Exception {
        ObjectMapper m = Json.mapper();
        assertThat(RolloutCommand.text(m.readTree("null"))).isEqualTo("-");
        assertThat(RolloutCommand.text(m.readTree("{}").path("absent"))).isEqualTo("-");
        assertThat(RolloutCommand.text(m.readTree("[\"a\",\"b\"]"))).isEqualTo("a, b");
        assertThat(RolloutCommand.text(m.readTree("{\"min_devices\":50,\"seen\":null}")))
                .isEqualTo("min devices 50, seen -");
    }

    @Test
    void countsAreNamedInKeyOrder() {
        assertThat(CaptureCommand.counts(new TreeMap<>(Map.of("DEV→CLOUD", 3, "CLOUD→DEV", 5))))
                .isEqualTo("CLOUD→DEV 5, DEV→CLOUD 3");
        assertThat(CaptureCommand.counts(Map.of())).isEqualTo("none");
    }
}
