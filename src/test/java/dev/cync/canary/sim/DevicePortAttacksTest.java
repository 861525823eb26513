package dev.cync.canary.sim;

import static dev.cync.canary.sim.BadInputIntegrationTest.connect;
import static dev.cync.canary.sim.BadInputIntegrationTest.fleetStillWorks;
import static dev.cync.canary.sim.BadInputIntegrationTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.device.DeviceGuardConfig;
import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.device.DeviceServerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.time.SystemClock;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-11 attacks on the device port, on real loopback sockets against a real device server
 * and a simulated fleet: the never-reading heartbeat flood, answers before the hello, silent
 * connections hogging the limit, per-address floods, and impersonation (auth codes pinned on first
 * use, the allow-list). Each fails on the server before issue 11.
 */
@Tag("slow")
@Tag("attack")
class DevicePortAttacksTest {

    @TempDir
    Path state;

    static final DeviceId VICTIM = DeviceId.parse("0badcafe");

    DeviceServerConfig config(int maxConnections) {
        return DeviceServerConfig.defaults()
                .withHost("127.0.0.1")
                .withPorts(0, -1)
                .withStateDir(state)
                .withLimits(Duration.ofSeconds(90), Duration.ofSeconds(10), maxConnections);
    }

    static DeviceGuardConfig guards(int pending, int perAddress, Duration slowReader, Path allowList) {
        return new DeviceGuardConfig(pending, perAddress, slowReader, Optional.ofNullable(allowList));
    }

    /** Reproduction 1: a client that never reads and keeps sending heartbeats grew the controller by gigabytes. */
    @Test
    void aPeerThatNeverReadsIsPausedThenClosedAsSlowReaderAndTheFleetStaysAnswered() throws Exception {
        try (Rig rig =
                new Rig(config(1000), guards(4096, 256, Duration.ofSeconds(1), null), 20, Faults.NONE, false, true)) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", rig.server.plainPort()), 5000);
            write(s, new Packet.Hello(VICTIM, "0123456789abcdef"));
            byte[] beats = new byte[5 * 20_000];
            byte[] one = PacketCodec.encode(new Packet.Heartbeat());
            for (int i = 0; i < 20_000; i++) {
                System.arraycopy(one, 0, beats, i * 5, 5);
            }
            Thread flood = new Thread(
                    () -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            while (true) {
                                out.write(beats); // blocks once the server stops reading: the point
                            }
                        } catch (IOException closed) {
                            // the server closed the connection
                        }
                    },
                    "heartbeat-flood");
            flood.setDaemon(true);
            flood.start();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "slow_reader") == 1);
            flood.join(5000);
            assertThat(flood.isAlive()).isFalse();
            // The session leaves the registry when its channel has closed, a moment after the count.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> rig.server.registry().find(VICTIM) == null);
            assertThat(rig.server.registry().size()).isEqualTo(20);
            fleetStillWorks(rig);
            s.close();
        }
    }

    /** Reproduction 1 and rule "nothing before the hello": a stranger's heartbeat got its answer. */
    @Test
    void nothingButTheHelloIsAnsweredBeforeTheHello() throws Exception {
        try (DeviceServer server = new DeviceServer(
                                config(1000), DeviceGuardConfig.defaults(), SystemClock.utc(), new Metrics())
                        .start();
                Socket s = connect(server.plainPort())) {
            write(s, new Packet.Heartbeat());
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed, and not one byte of answer
        }
    }

    /** Reproduction 4: 100 silent connections kept every real device out with maxConnections 100, the gauge at 0. */
    @Test
    void silentConnectionsCannotKeepDevicesOutAndTheGaugeCountsTheDevices() throws Exception {
        Metrics metrics = new Metrics();
        List<Socket> silent = new ArrayList<>();
        try (DeviceServer server = new DeviceServer(
                        config(100), guards(20, 256, Duration.ofSeconds(30), null), SystemClock.utc(), metrics)
                .start()) {
            for (int i = 0; i < 100; i++) {
                silent.add(connect(server.plainPort()));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> metrics.counterValue(Metrics.CONNECTION_FAILURES, "pending_hello_limit") >= 80);
            try (Fleet fleet =
                    new Fleet(Fleet.Config.defaults("127.0.0.1", server.plainPort(), 10), SystemClock.utc()).start()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> server.registry().size() == 10);
                assertThat(gauge(metrics, Metrics.CONNECTED_DEVICES)).isEqualTo(10.0);
            }
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    /** One source address cannot take every slot (loopback is exempt, so this needs the machine's own non-loopback address). */
    @Test
    void oneAddressIsHeldToItsShare() throws Exception {
        InetAddress own = nonLoopbackAddress();
        Assumptions.assumeTrue(own != null, "no non-loopback IPv4 address on this machine");
        Metrics metrics = new Metrics();
        List<Socket> flood = new ArrayList<>();
        DeviceServerConfig c = config(1000).withHost(own.getHostAddress());
        try (DeviceServer server = new DeviceServer(
                        c, guards(4096, 5, Duration.ofSeconds(30), null), SystemClock.utc(), metrics)
                .start()) {
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(own, server.plainPort()), 5000);
                flood.add(s);
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> metrics.counterValue(Metrics.CONNECTION_FAILURES, "address_limit") == 7);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    /** Reproduction 3: anyone could connect as a known device, take over its session and receive its commands. */
    @Test
    void aHelloWithAnotherCodeThanThePinnedOneIsRefusedAndTheDeviceKeepsItsSession() throws Exception {
        Metrics metrics = new Metrics();
        try (DeviceServer server = new DeviceServer(
                                config(1000), DeviceGuardConfig.defaults(), SystemClock.utc(), metrics)
                        .start();
                Socket real = connect(server.plainPort())) {
            write(real, new Packet.Hello(VICTIM, "realdevicecode01"));
            real.getInputStream().readNBytes(7); // hello ack
            var session = server.registry().find(VICTIM);
            assertThat(session).isNotNull();
            try (Socket impostor = connect(server.plainPort())) {
                write(impostor, new Packet.Hello(VICTIM, "impostorcode0001"));
                assertThat(impostor.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(metrics.counterValue(Metrics.CONNECTION_FAILURES, "auth_code_mismatch"))
                    .isEqualTo(1);
            assertThat(server.registry().find(VICTIM)).isSameAs(session);
            assertThat(session.isOpen()).isTrue();
            // the same code again (a reconnect) replaces the session, as before
            try (Socket again = connect(server.plainPort())) {
                write(again, new Packet.Hello(VICTIM, "realdevicecode01"));
                again.getInputStream().readNBytes(7);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.registry().find(VICTIM) != session);
            }
        }
        assertThat(Files.readString(state.resolve("device-auth-codes"))).contains("0badcafe realdevicecode01");
        // the pin survives a restart
        Metrics after = new Metrics();
        try (DeviceServer server =
                        new DeviceServer(config(1000), DeviceGuardConfig.defaults(), SystemClock.utc(), after).start();
                Socket impostor = connect(server.plainPort())) {
            write(impostor, new Packet.Hello(VICTIM, "impostorcode0001"));
            assertThat(impostor.getInputStream().read()).isEqualTo(-1);
            assertThat(after.counterValue(Metrics.CONNECTION_FAILURES, "auth_code_mismatch"))
                    .isEqualTo(1);
        }
    }

    @Test
    void withAnAllowListOnlyListedEndpointsWithTheirCodesConnect() throws Exception {
        Path list = state.resolve("allowed.txt");
        Files.writeString(list, "# endpoint code\n0badcafe realdevicecode01\n");
        Metrics metrics = new Metrics();
        try (DeviceServer server = new DeviceServer(
                        config(1000), guards(4096, 256, Duration.ofSeconds(30), list), SystemClock.utc(), metrics)
                .start()) {
            try (Socket s = connect(server.plainPort())) {
                write(s, new Packet.Hello(DeviceId.parse("12345678"), "whatevercode0001"));
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = connect(server.plainPort())) {
                write(s, new Packet.Hello(VICTIM, "wrongcode0000001"));
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = connect(server.plainPort())) {
                write(s, new Packet.Hello(VICTIM, "realdevicecode01"));
                assertThat(s.getInputStream().readNBytes(7)).hasSize(7);
                assertThat(server.registry().find(VICTIM)).isNotNull();
            }
            assertThat(metrics.counterValue(Metrics.CONNECTION_FAILURES, "not_allowed"))
                    .isEqualTo(1);
            assertThat(metrics.counterValue(Metrics.CONNECTION_FAILURES, "auth_code_mismatch"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aBadAllowListLineIsOneLineNamingFileAndLine() throws Exception {
        Path list = state.resolve("allowed.txt");
        Files.writeString(list, "0badcafe realdevicecode01\nnot-an-id code\n");
        DeviceServer server = new DeviceServer(
                config(1000), guards(4096, 256, Duration.ofSeconds(30), list), SystemClock.utc(), new Metrics());
        Assertions.assertThatThrownBy(server::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(list + " line 2");
        server.close();
    }

    static double gauge(Metrics metrics, String name) {
        return metrics.scrape().stream()
                .filter(s -> s.getMetadata().getName().equals(name))
                .findFirst()
                .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue())
                .orElseThrow();
    }

    static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
