package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.app.ControllerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Reproduction 6, the file and port half: duplicate YAML keys were last-wins; a busy device port ended in a Netty trace. */
@Tag("attack")
class StrictInputTest {

    @TempDir
    Path dir;

    @Test
    void aKeyGivenTwiceInYamlIsRefusedNamingTheFileAndLine() throws Exception {
        Path file = dir.resolve("cync-canary.yaml");
        Files.writeString(file, "server:\n  maxConnections: 100\n  helloTimeout: 5s\n  maxConnections: 100000\n");
        assertThatThrownBy(() -> ControllerConfig.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("Duplicate field 'maxConnections'")
                .hasMessageContaining("line 4");
    }

    @Test
    void aBusyDevicePortIsOneLineNamingThePort() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = busy.getLocalPort();
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int status = cl.execute(
                    "serve",
                    "--device-port",
                    Integer.toString(port),
                    "--tls-port",
                    "-1",
                    "--http-port",
                    "0",
                    "--state-dir",
                    dir.toString());
            assertThat(status).isEqualTo(2);
            assertThat(err.toString().strip())
                    .doesNotContain("\n")
                    .contains(":" + port)
                    .contains("server.plainPort")
                    .contains("--device-port")
                    .doesNotContain("at io.netty");
        }
    }
}
