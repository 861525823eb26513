package dev.cync.canary.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
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
    void rangesChoicesExactDecimalsAndRequiredKeys() throws IOException {
        Settings s = new Settings("top", yaml("n: 7\nbig: 150\np: 99.95\nnan: NaN\nmode: lab\nodd: test\n"));
        assertThat(s.integer("n", 0, 1, 10)).isEqualTo(7);
        assertThatThrownBy(() -> s.integer("big", 0, 1, 100))
                .hasMessage("top.big: must be a whole number from 1 to 100, got 150");
        assertThat(s.decimal("p")).isEqualByComparingTo(new BigDecimal("99.95"));
        assertThat(s.decimal("absent")).isNull();
        assertThatThrownBy(() -> s.decimal("nan")).hasMessage("top.nan: must be a number, got 'NaN'");
        assertThatThrownBy(() -> s.number("nan", 0)).hasMessage("top.nan: must be a number, got 'NaN'");
        assertThat(s.oneOf("mode", "field", "field", "lab")).isEqualTo("lab");
        assertThat(s.oneOf("absentMode", "field", "field", "lab")).isEqualTo("field");
        assertThatThrownBy(() -> s.oneOf("odd", "field", "field", "lab"))
                .hasMessage("top.odd: must be field or lab, got 'test'");
        assertThat(s.missing("window", "30d")).hasMessage("top.window: required, like 30d");
    }

    @Test
    void listsOfDurationsAndOfNamesWithOptionalSettings() throws IOException {
        Settings s =
                new Settings("", yaml("w: [10m, 1h]\nbad: [10m, {x: 1}]\ng: [a, {b: {k: 2}}]\nh: [{a: 1, b: 2}]\n"));
        assertThat(s.durations("w")).containsExactly(Duration.ofMinutes(10), Duration.ofHours(1));
        assertThat(s.durations("absent")).isEmpty();
        assertThatThrownBy(() -> s.durations("bad")).hasMessage("bad[1]: must be a duration like 10m, got object");
        List<Settings.Named> g = s.namedList("g");
        assertThat(g).extracting(Settings.Named::name).containsExactly("a", "b");
        assertThat(g.get(0).settings().present()).isFalse();
        assertThat(g.get(1).settings().integer("k", 0)).isEqualTo(2);
        assertThat(g.get(1).settings().path()).isEqualTo("g[1].b");
        assertThatThrownBy(() -> s.namedList("h"))
                .hasMessage("h[0]: must be a name or {name: {settings}}, got {\"a\":1,\"b\":2}");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThatThrownBy(() -> yaml("a: 1\na: 2\n")).hasMessageContaining("Duplicate field 'a'");
    }
}
