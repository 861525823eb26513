package dev.cync.canary.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict reader: each refusal is one line naming the key. */
class SettingsTest {

    private static JsonNode yaml(String text) throws IOException {
        return Json.yaml().readTree(text);
    }

    @Test
    void readsValuesListsAndDefaults() throws IOException {
        Settings s = new Settings("", yaml("a: 3\nb: 1.5\nd: 10s\nitems:\n  - {x: 1}\n  - {x: 2}\n"));
        assertThat(s.integer("a", 0)).isEqualTo(3);
        assertThat(s.number("b", 0)).isEqualTo(1.5);
        assertThat(s.duration("d", null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.optionalNumber("missing")).isNull();
        List<Settings> items = s.list("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(1).integer("x", 0)).isEqualTo(2);
        assertThat(items.get(0).integer("x", 0)).isEqualTo(1);
        items.forEach(Settings::finish);
        assertThat(s.section("absent").present()).isFalse();
        s.finish();
    }

    @Test
    void refusesUnknownKeysWrongTypesAndListsThatAreNot() throws IOException {
        Settings s = new Settings("", yaml("a: 3\ntypo: 1\n"));
        s.integer("a", 0);
        assertThatThrownBy(s::finish).hasMessageStartingWith("unknown setting typo");
        assertThatThrownBy(() -> new Settings("", yaml("a: three\n")).integer("a", 0))
                .hasMessage("a: must be a whole number, got 'three'");
        assertThatThrownBy(() -> new Settings("", yaml("faults: 3\n")).list("faults"))
                .hasMessage("faults: must be a list, got number");
        Settings item = new Settings("", yaml("faults:\n  - {sucess: 0.5}\n"))
                .list("faults")
                .get(0);
        assertThatThrownBy(item::finish).hasMessageStartingWith("unknown setting faults[0].sucess");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThatThrownBy(() -> yaml("a: 1\na: 2\n")).hasMessageContaining("Duplicate field 'a'");
    }
}
