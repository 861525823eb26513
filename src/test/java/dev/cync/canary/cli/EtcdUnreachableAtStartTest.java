package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A replica whose etcd does not answer refuses to start with one line naming the endpoint and the way out. */
class EtcdUnreachableAtStartTest {

    @Test
    void oneLineNoStackTrace(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path config = dir.resolve("replica.yaml");
        Files.writeString(
                config,
                "flags:\n  store: etcd\n  etcd:\n    endpoints: \"http://127.0.0.1:" + port + "\"\n"
                        + "    replica: r0\n    timeout: 1s\n");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute(
                "serve",
                "--config",
                config.toString(),
                "--state-dir",
                dir.resolve("state").toString(),
                "--http-port",
                "0",
                "--device-port",
                "0",
                "--tls-port",
                "-1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .startsWith("cync-canary serve: etcd at http://127.0.0.1:" + port + " did not answer within 1000 ms")
                .contains("flags.etcd.endpoints")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }
}
