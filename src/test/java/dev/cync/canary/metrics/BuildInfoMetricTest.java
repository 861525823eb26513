package dev.cync.canary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildInfoMetricTest {

    @Test
    void theScrapeSaysWhichBuildRuns() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Metrics().writeText(out);
        BuildInfo build = BuildInfo.current();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("# TYPE cync_canary_build_info gauge")
                .contains("cync_canary_build_info{revision=\""
                        + build.revision().orElse("") + "\",version=\"" + build.version() + "\"} 1");
    }
}
