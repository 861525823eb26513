package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.mqtt.MqttConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mqtt:} section of cync-canary.yaml: off by default, every value checked, one line per error. */
class MqttSettingsTest {

    @TempDir
    Path dir;

    private static ControllerConfig parse(String yaml) throws Exception {
        return ControllerConfigTest.parse(yaml);
    }

    @Test
    void theBridgeIsOffUnlessABrokerIsConfigured() throws Exception {
        assertThat(parse("{}").mqtt().enabled()).isFalse();
        assertThat(ControllerConfig.load(null).mqtt()).isEqualTo(MqttConfig.off());
    }

    @Test
    void settingsAreReadAndThePasswordComesFromItsFile() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        MqttConfig m = parse(
                        "mqtt:\n  broker: tcp://broker.lan:1883\n  clientId: canary-2\n  username: ha\n  passwordFile: "
                                + pw + "\n  baseTopic: home/cync\n  reconnectMax: 30s\n  publishQueue: 500\n")
                .mqtt();
        assertThat(m.enabled()).isTrue();
        assertThat(m.password()).isEqualTo("s3cret");
        assertThat(m.baseTopic()).isEqualTo("home/cync");
        assertThat(m.reconnectMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.toString()).doesNotContain("s3cret");
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> parse("mqtt:\n  broker: http://x:1883\n"))
                .hasMessageStartingWith("mqtt.broker: must be tcp://");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: tcp://x\n"))
                .hasMessageContaining("mqtt.broker: must be tcp://HOST:PORT");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: tcp://x:1883\n  baseTopic: cync/#\n"))
                .hasMessageStartingWith("mqtt.baseTopic:");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: tcp://x:1883\n  clientId: 'a b'\n"))
                .hasMessageStartingWith("mqtt.clientId:");
        assertThatThrownBy(() -> parse(
                        "mqtt:\n  broker: tcp://x:1883\n  username: ha\n  passwordFile: " + dir.resolve("none") + "\n"))
                .hasMessageStartingWith("mqtt.passwordFile: cannot read");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: tcp://x:1883\n  caFile: /etc/hostname\n"))
                .hasMessageStartingWith("mqtt.caFile:");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: ssl://x:8883\n  caFile: " + dir.resolve("none") + "\n"))
                .hasMessageStartingWith("mqtt.caFile: cannot read");
        assertThatThrownBy(() -> parse("mqtt:\n  reconnectMin: 10s\n  reconnectMax: 1s\n"))
                .hasMessageStartingWith("mqtt.reconnectMax:");
        assertThatThrownBy(() -> parse("mqtt:\n  publishQueue: 0\n")).hasMessageStartingWith("mqtt.publishQueue:");
        assertThatThrownBy(() -> parse("mqtt:\n  brokr: tcp://x:1883\n"))
                .hasMessageContaining("unknown setting mqtt.brokr");
    }

    @Test
    void aFileThatIsNotACertificateIsRefusedAtLoad() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        assertThatThrownBy(() -> parse("mqtt:\n  broker: ssl://x:8883\n  caFile: " + notPem + "\n"))
                .hasMessageStartingWith("mqtt.caFile: cannot use");
    }
}
