package dev.cync.canary.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateMarkerTest {

    @TempDir
    Path dir;

    StateMarker open(Set<String> reset) throws IOException {
        return StateMarker.open(dir, "2026-11-27T10:00:00Z", List.of("flags.json"), reset, DurableFiles.DISK);
    }

    @Test
    void remembersTheLastGenerationOfEachFileAcrossStarts() throws IOException {
        StateMarker m = open(Set.of());
        assertThat(m.generation("flags.json")).isEqualTo(-1);
        m.written("flags.json", 7);
        assertThat(open(Set.of()).generation("flags.json")).isEqualTo(7);
        assertThat(Files.readString(dir.resolve(StateMarker.FILE)))
                .contains("\"first_start\"")
                .contains("\"flags.json\" : 7");
    }

    @Test
    void aCorruptMarkerRefusesTheStartAndTheResetRebuildsIt() throws IOException {
        open(Set.of()).written("flags.json", 3);
        Files.writeString(dir.resolve(StateMarker.FILE), "{\"first_sta");
        assertThatThrownBy(() -> open(Set.of()))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(dir.resolve(StateMarker.FILE).toString())
                .hasMessageContaining("--reset-state state-marker.json");
        Files.writeString(dir.resolve("flags.json"), "{}");
        StateMarker rebuilt = open(Set.of(StateMarker.FILE));
        assertThat(rebuilt.generation("flags.json")).isEqualTo(-1);
        assertThat(open(Set.of()).generation("flags.json")).isEqualTo(-1);
    }

    @Test
    void aMarkerThatCannotBeWrittenIsCountedAndRetriedWithTheNextWrite() throws IOException {
        boolean[] broken = {true};
        DurableFiles.Writer w = new DurableFiles.Writer() {
            @Override
            public void replace(Path file, byte[] bytes) throws IOException {
                if (broken[0]) {
                    throw new IOException("Read-only file system");
                }
                DurableFiles.replace(file, bytes);
            }

            @Override
            public void append(Path file, byte[] bytes) throws IOException {
                DurableFiles.append(file, bytes);
            }
        };
        StateMarker m = StateMarker.open(dir, "now", List.of(), Set.of(), w);
        m.written("flags.json", 1);
        assertThat(m.failures()).isEqualTo(2);
        broken[0] = false;
        m.written("flags.json", 2);
        assertThat(open(Set.of()).generation("flags.json")).isEqualTo(2);
    }
}
