package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Json;
import dev.cync.canary.transport.ReliableConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerConfigTest {

    @TempDir
    Path dir;

    static ControllerConfig parse(String yaml) throws IOException {
        JsonNode n = Json.yaml().readTree(yaml);
        return ControllerConfig.parse(n);
    }

    @Test
    void theShippedFileIsValidAndMatchesTheDefaults() throws IOException {
        ControllerConfig fromFile = ControllerConfig.load(Path.of("config", "cync-canary.yaml"));
        ControllerConfig embedded = ControllerConfig.load(null);
        assertThat(fromFile).isEqualTo(embedded);
        assertThat(embedded.reliable()).isEqualTo(ReliableConfig.defaults());
        assertThat(embedded.httpPort()).isEqualTo(9400);
        assertThat(embedded.server().plainPort()).isEqualTo(23778);
        assertThat(embedded.server().tlsPort()).isEqualTo(23779);
    }

    @Test
    void anEmptyFileMeansEveryDefault() throws IOException {
        assertThat(parse("{}").reliable()).isEqualTo(ReliableConfig.defaults());
    }

    @Test
    void settingsAreRead() throws IOException {
        ControllerConfig c = parse("""
                reliable:
                  deadline: 800ms
                  overflowPolicy: drop_oldest
                server:
                  tlsPort: -1
                """);
        assertThat(c.reliable().deadline()).isEqualTo(Duration.ofMillis(800));
        assertThat(c.reliable().overflowPolicy()).isEqualTo(ReliableConfig.OverflowPolicy.DROP_OLDEST);
        assertThat(c.server().tlsPort()).isEqualTo(-1);
    }

    @Test
    void badValuesAreRefusedWithTheSettingNameAndTheAllowedRange() {
        assertThatThrownBy(() -> parse("reliable:\n  maxInFlight: 300\n"))
                .hasMessage("reliable.maxInFlight: must be between 1 and 255, got 300");
        assertThatThrownBy(() -> parse("reliable:\n  jitter: NaN\n"))
                .hasMessage("reliable.jitter: must be a number, got 'NaN'");
        assertThatThrownBy(() -> parse("reliable:\n  jitter: 0.9\n"))
                .hasMessage("reliable.jitter: must be between 0.0 and 0.5, got 0.9");
        assertThatThrownBy(() -> parse("reliable:\n  deadline: -5s\n"))
                .hasMessageContaining("reliable.deadline: '-5s' is not a duration");
        assertThatThrownBy(() -> parse("reliable:\n  deadline: 0s\n"))
                .hasMessageContaining("reliable.deadline: must be a positive duration");
        assertThatThrownBy(() -> parse("server:\n  plainPort: abc\n"))
                .hasMessage("server.plainPort: must be a whole number, got 'abc'");
        assertThatThrownBy(() -> parse("reliable:\n  overflowPolicy: sometimes\n"))
                .hasMessageContaining("must be reject, drop_oldest or block, got 'sometimes'");
        assertThatThrownBy(() -> parse("reliable:\n  minRto: 2s\n  maxRto: 1s\n"))
                .hasMessageContaining("reliable.minRto (2000 ms) must not exceed reliable.maxRto (1000 ms)");
        assertThatThrownBy(() -> parse("server:\n  certFile: /tmp/c.pem\n"))
                .hasMessageContaining("server.certFile and server.keyFile go together");
    }

    @Test
    void aMisspeltSettingIsAnErrorThatListsTheRealOnes() {
        assertThatThrownBy(() -> parse("reliable:\n  maxInflight: 4\n"))
                .hasMessageStartingWith("unknown setting reliable.maxInflight; the settings here are: ")
                .hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> parse("relaible:\n  maxInFlight: 4\n"))
                .hasMessageContaining("unknown setting relaible");
    }

    @Test
    void aBrokenFileNamesTheFileAndTheLine() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "reliable:\n  deadline: [1\n");
        assertThatThrownBy(() -> ControllerConfig.load(f))
                .hasMessageContaining("bad.yaml: not valid YAML")
                .hasMessageContaining("line");
        assertThatThrownBy(() -> ControllerConfig.load(dir.resolve("none.yaml")))
                .hasMessageContaining("no such config file");
    }

    @Test
    void theFlagStoreIsTheFileByDefaultAndEtcdSettingsAreCheckedByName() throws IOException {
        assertThat(parse("{}").flags().etcd()).isFalse();
        ControllerConfig c =
                parse("flags:\n  store: etcd\n  etcd:\n    endpoints: \"http://10.0.0.1:2379, http://10.0.0.2:2379\"\n"
                        + "    replica: r-1\n    leaseTtl: 6s\n");
        var e = c.etcdFor(Map.of());
        assertThat(e.endpoints()).containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
        assertThat(e.replica()).isEqualTo("r-1");
        assertThat(e.leaseTtl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(e.prefix()).isEqualTo("/cync-canary/");
        // An empty replica name falls back to $HOSTNAME (the pod name).
        assertThat(parse("flags:\n  store: etcd\n")
                        .etcdFor(Map.of("HOSTNAME", "cync-7f9"))
                        .replica())
                .isEqualTo("cync-7f9");
        assertThatThrownBy(() -> parse("flags:\n  store: zookeeper\n")).hasMessageContaining("flags.store");
        assertThatThrownBy(() -> parse("flags:\n  store: etcd\n  etcd:\n    endpoints: \"localhost:2379\"\n"))
                .hasMessageContaining("flags.etcd.endpoints");
        assertThatThrownBy(() -> parse("flags:\n  store: etcd\n  etcd:\n    prefix: cync\n"))
                .hasMessageContaining("flags.etcd.prefix");
        assertThatThrownBy(() -> parse("flags:\n  store: etcd\n  etcd:\n    leaseTtl: 1500ms\n"))
                .hasMessageContaining("flags.etcd.leaseTtl");
        assertThatThrownBy(() -> parse("flags:\n  store: etcd\n").etcdFor(Map.of()))
                .hasMessageContaining("flags.etcd.replica");
    }
}
