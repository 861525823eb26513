package dev.cync.canary.mqtt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real Debian mosquitto on a free loopback port with a generated config, for the bridge's tests.
 * Tests skip without it, unless CYNC_REQUIRE_TOOLS=1 (as .ci/run sets after installing it): then
 * they fail. No persistence: a restarted broker has forgotten every retained message, so whatever
 * a test sees after a restart was published again by the bridge.
 */
public final class Mosquitto implements AutoCloseable {

    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private Mosquitto(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    static Path find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            Path p = Path.of(d, "mosquitto");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("1".equals(System.getenv("CYNC_REQUIRE_TOOLS"))) {
            throw new AssertionError("mosquitto is not installed; .ci/run installs it (apt-get install mosquitto)");
        }
        assumeTrue(false, "skipped: mosquitto is not installed (apt-get install mosquitto)");
        return null;
    }

    public static Mosquitto start(Path dir) throws IOException {
        Path binary = find();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Mosquitto m = new Mosquitto(binary, dir, port);
        m.start();
        return m;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts it (again) on the same port, and waits until it accepts connections. */
    public void start() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(
                conf,
                "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n"
                        + "log_dest stdout\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        process = new ProcessBuilder(binary.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("mosquitto.log").toFile()))
                .start();
        Awaitility.await("mosquitto listening on " + port)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
