package dev.cync.canary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void aPlaceholderMavenCouldNotFillCountsAsAbsent() {
        Properties p = new Properties();
        p.setProperty("version", "1.2.3");
        p.setProperty("revision", "${git.commit.id.abbrev}");
        BuildInfo b = BuildInfo.of(p);
        assertThat(b).isEqualTo(new BuildInfo("1.2.3", Optional.empty()));
        assertThat(b.describe()).isEqualTo("1.2.3");
        p.setProperty("revision", "abc1234");
        assertThat(BuildInfo.of(p).describe()).isEqualTo("1.2.3 (git abc1234)");
    }

    @Test
    void theBuiltClassesCarryTheProjectVersion() {
        assertThat(BuildInfo.current().version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
