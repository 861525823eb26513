package dev.cync.canary.flags;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real etcd cluster (Debian's {@code etcd-server}) of N members on free loopback ports, each in
 * its own temporary data directory; tests that need it skip when etcd is not installed, unless
 * CYNC_REQUIRE_TOOLS=1 (as .ci/run sets): then they fail. Members can be stopped (SIGKILL, the
 * abrupt case) and started again on the same ports and data, to test a cluster that loses quorum.
 * {@link #close} kills every member and deletes the directories.
 */
public final class EtcdCluster implements AutoCloseable {

    private record Member(String name, int clientPort, int peerPort, Path dataDir) {
        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    private final Path etcd;
    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final Process[] processes;

    private EtcdCluster(Path etcd, Path root, int size) throws IOException {
        this.etcd = etcd;
        this.root = root;
        this.processes = new Process[size];
        for (int i = 0; i < size; i++) {
            members.add(new Member("m" + i, freePort(), freePort(), root.resolve("m" + i)));
        }
    }

    /** Starts {@code size} members and waits (at most 30 s) until every one answers on its client port. */
    public static EtcdCluster start(int size) throws IOException, InterruptedException {
        Path etcd = find();
        EtcdCluster c = new EtcdCluster(etcd, Files.createTempDirectory("cync-etcd"), size);
        try {
            for (int i = 0; i < size; i++) {
                c.startMember(i);
            }
            for (int i = 0; i < size; i++) {
                c.awaitHealthy(i);
            }
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The etcd binary, or a skipped (or, with CYNC_REQUIRE_TOOLS=1, failed) test. */
    static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "etcd");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("1".equals(System.getenv("CYNC_REQUIRE_TOOLS"))) {
            throw new AssertionError("etcd is not installed; .ci/run installs it (apt-get install etcd-server)");
        }
        assumeTrue(false, "skipped: etcd is not installed (apt-get install etcd-server)");
        return null;
    }

    /** Every member's client URL, comma-separated, as {@code flags.etcd.endpoints} takes them. */
    public String endpoints() {
        return members.stream().map(Member::clientUrl).collect(Collectors.joining(","));
    }

    public List<String> endpointList() {
        return members.stream().map(Member::clientUrl).toList();
    }

    public int size() {
        return members.size();
    }

    /** Kills member {@code i} with SIGKILL (no clean leave) and waits for it to be gone. */
    public void kill(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            processes[i] = null;
        }
    }

    /** Starts member {@code i} again on its ports and data directory. */
    public void restart(int i) throws IOException, InterruptedException {
        startMember(i);
        awaitHealthy(i);
    }

    private void startMember(int i) throws IOException {
        Member m = members.get(i);
        Files.createDirectories(m.dataDir());
        String cluster = members.stream().map(x -> x.name() + "=" + x.peerUrl()).collect(Collectors.joining(","));
        List<String> cmd = List.of(
                etcd.toString(),
                "--name",
                m.name(),
                "--data-dir",
                m.dataDir().toString(),
                "--listen-client-urls",
                m.clientUrl(),
                "--advertise-client-urls",
                m.clientUrl(),
                "--listen-peer-urls",
                m.peerUrl(),
                "--initial-advertise-peer-urls",
                m.peerUrl(),
                "--initial-cluster",
                cluster,
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                root.getFileName().toString(),
                // Short intervals: a lost member is noticed in about half a second, not seconds.
                "--heartbeat-interval",
                "50",
                "--election-timeout",
                "500",
                "--log-level",
                "warn");
        processes[i] = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve(m.name() + ".log").toFile())
                .start();
    }

    private void awaitHealthy(int i) throws InterruptedException, IOException {
        Member m = members.get(i);
        // Waiting on a real process coming up: polled over wall time, bounded (tests tagged slow).
        for (int attempt = 0; attempt < 300; attempt++) {
            Process p = processes[i];
            if (p == null || !p.isAlive()) {
                throw new AssertionError(
                        "etcd member " + m.name() + " exited: " + Files.readString(root.resolve(m.name() + ".log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), m.clientPort()), 200);
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError(
                "etcd member " + m.name() + " did not listen on port " + m.clientPort() + " within 30 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
