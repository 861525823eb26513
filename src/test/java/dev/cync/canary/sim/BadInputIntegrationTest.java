package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.device.DeviceServerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misbehaving peers on real sockets: each is handled and counted, and the well-behaved fleet never notices. */
@Tag("slow")
class BadInputIntegrationTest {

    @TempDir
    Path state;

    static final DeviceId ROGUE = DeviceId.parse("0badbeef");

    Rig rig(Duration heartbeatTimeout, int maxConnections, boolean tls) throws Exception {
        DeviceServerConfig c = DeviceServerConfig.defaults()
                .withHost("127.0.0.1")
                .withPorts(0, tls ? 0 : -1)
                .withStateDir(state)
                .withLimits(heartbeatTimeout, Duration.ofSeconds(10), maxConnections);
        return new Rig(c, 20, Faults.NONE, false, true);
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    static void write(Socket s, Packet p) throws IOException {
        s.getOutputStream().write(PacketCodec.encode(p));
        s.getOutputStream().flush();
    }

    /** True when the server has closed the connection (reads end of stream or a reset). */
    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void fleetStillWorks(Rig rig) {
        DeviceId healthy = rig.fleet.ids().get(0);
        CommandOutcome o = rig.reliable.send(DeviceCommand.power(healthy, true)).join();
        assertThat(o.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void garbageAfterHelloIsCountedAndTheConnectionResynchronises() throws Exception {
        try (Rig rig = rig(Duration.ofSeconds(90), 1000, false);
                Socket s = connect(rig.server.plainPort())) {
            write(s, new Packet.Hello(ROGUE, "0123456789abcdef"));
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x01, 0x02, 0x03, (byte) 0xff, 0x00, 0x00});
            out.write(PacketCodec.encode(new Packet.Heartbeat()));
            out.flush();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> rig.metrics.counterValue(Metrics.DECODE_ERROR, "unknown_type") >= 1);
            // After the garbage the heartbeat still gets its answer: hello ack (7 bytes), 0xA3 (12), then d8.
            byte[] answer = s.getInputStream().readNBytes(24);
            assertThat(answer[7] & 0xFF).isEqualTo(0xA3);
            assertThat(answer[19] & 0xFF).isEqualTo(0xD8);
            assertThat(rig.server.registry().find(ROGUE)).isNotNull();
            fleetStillWorks(rig);
        }
    }

    @Test
    void tlsOnThePlaintextPortIsClosedAndCounted() throws Exception {
        try (Rig rig = rig(Duration.ofSeconds(90), 1000, false);
                Socket s = connect(rig.server.plainPort())) {
            s.getOutputStream()
                    .write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03});
            assertThat(closedByServer(s)).isTrue();
            assertThat(rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "tls_on_plaintext"))
                    .isEqualTo(1);
            fleetStillWorks(rig);
        }
    }

    @Test
    void plaintextOnTheTlsPortIsClosedAndCounted() throws Exception {
        try (Rig rig = rig(Duration.ofSeconds(90), 1000, true);
                Socket s = connect(rig.server.tlsPort())) {
            write(s, new Packet.Hello(ROGUE, "0123456789abcdef"));
            assertThat(closedByServer(s)).isTrue();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "not_tls_on_tls_port")
                                    + rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "tls_handshake_failed")
                            >= 1);
        }
    }

    @Test
    void aDeviceThatNeverReadsFillsOnlyItsOwnQueue() throws Exception {
        try (Rig rig = rig(Duration.ofSeconds(90), 1000, false);
                Socket s = connect(rig.server.plainPort())) {
            write(s, new Packet.Hello(ROGUE, "0123456789abcdef"));
            // Its own mesh id, so commands for the endpoint have a target.
            write(s, StateEntry.deviceInfo(ROGUE, List.of(new StateEntry(5, 250, false, 0, 0, 0, 0, 0, true, 0, 250))));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> rig.server.registry().find(ROGUE) != null
                            && rig.server.registry().find(ROGUE).ownMeshId() == 250);
            List<CompletableFuture<CommandOutcome>> toRogue = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                toRogue.add(rig.reliable.send(DeviceCommand.power(ROGUE, i % 2 == 0)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> rig.metrics.counterValue(Metrics.QUEUE_FULL, "new") > 0);
            fleetStillWorks(rig);
            CompletableFuture.allOf(toRogue.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            assertThat(toRogue).allMatch(f -> !f.join().succeeded());
            assertThat(rig.reliable.stats().balanced()).isTrue();
        }
    }

    @Test
    void aDeviceSendingOneByteAtATimeIsClosedByTheHeartbeatTimeout() throws Exception {
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (Rig rig = rig(Duration.ofSeconds(2), 1000, false);
                Socket s = connect(rig.server.plainPort())) {
            write(s, new Packet.Hello(ROGUE, "0123456789abcdef"));
            byte[] neverEnding = {(byte) 0x43, 0x00, 0x00, 0x0f, 0x00};
            int[] i = {0};
            drip.scheduleAtFixedRate(
                    () -> {
                        try {
                            s.getOutputStream().write(neverEnding[Math.min(i[0]++, 4)]);
                        } catch (IOException closed) {
                            // The server closed it: what the test waits for.
                        }
                    },
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(6))
                    .until(() -> rig.server.registry().find(ROGUE) == null);
            assertThat(rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "heartbeat_timeout"))
                    .isEqualTo(1);
            // The fleet heartbeats every 500 ms: none of it was closed.
            assertThat(rig.server.registry().size()).isEqualTo(20);
            fleetStillWorks(rig);
        } finally {
            drip.shutdownNow();
        }
    }

    @Test
    void aFloodOfConnectionsBeyondTheLimitIsRefusedAndTheFleetKeepsWorking() throws Exception {
        try (Rig rig = rig(Duration.ofSeconds(90), 30, false)) {
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    flood.add(connect(rig.server.plainPort()));
                }
                await().atMost(Duration.ofSeconds(5))
                        .until(() ->
                                rig.metrics.counterValue(Metrics.CONNECTION_FAILURES, "too_many_connections") >= 30);
                fleetStillWorks(rig);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
        }
    }
}
