package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.FlagValues;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.support.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cync-canary route}: which transport a device uses, and why; online, or offline for planning. */
@Command(
        name = "route",
        mixinStandardHelpOptions = true,
        description = "Show which transport each device uses and why: against a running controller by default, or with"
                + " --offline computed here from the flags you give (no controller needed), to plan a change before making it."
                + " Give the device ids as arguments, or - to read them from standard input, one per line.")
final class RouteCommand extends AdminCommands.ClientCommand {

    @Parameters(paramLabel = "DEVICE", arity = "0..*", description = "Device ids; - reads them from standard input.")
    List<String> devices = new ArrayList<>();

    @Option(
            names = "--offline",
            description = "Compute locally from --percentage, --salt, --cohort-file, --exclude-file.")
    boolean offline;

    @Option(
            names = "--percentage",
            paramLabel = "P",
            defaultValue = "0",
            description = "Offline: canary percentage (default ${DEFAULT-VALUE}).")
    String percentage;

    @Option(
            names = "--salt",
            paramLabel = "S",
            defaultValue = FlagState.DEFAULT_SALT,
            description = "Offline: the salt (default ${DEFAULT-VALUE}).")
    String salt;

    @Option(names = "--cohort-file", paramLabel = "F", description = "Offline: cohort ids, one per line.")
    Path cohortFile;

    @Option(names = "--exclude-file", paramLabel = "F", description = "Offline: excluded ids, one per line.")
    Path excludeFile;

    private final ObjectMapper mapper = Json.mapper();

    @Override
    public Integer call() throws Exception {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("which devices? give their ids, or - to read them from standard input");
        }
        List<String> ids = new ArrayList<>();
        for (String d : devices) {
            if (d.equals("-")) {
                ids.addAll(stdinIds());
            } else {
                ids.add(d);
            }
        }
        if (offline) {
            FlagValues.checkSalt("--salt", salt);
            RoutingConfig c = new RoutingConfig(
                    FlagValues.parsePercentage("--percentage", percentage),
                    salt,
                    Set.copyOf(idsFrom(cohortFile)),
                    Set.copyOf(idsFrom(excludeFile)),
                    false,
                    false,
                    0,
                    0);
            for (String id : ids) {
                CanaryRouter.Decision d = CanaryRouter.decide(c, FlagValues.deviceId("DEVICE", id));
                print(
                        d.deviceId(),
                        d.transport().label(),
                        d.reason().label(),
                        d.explanation(),
                        d.bucket() < 0 ? null : d.bucket());
            }
        } else {
            for (String id : ids) {
                JsonNode r = client.call("GET", "/api/route/" + FlagValues.deviceId("DEVICE", id), null);
                print(
                        r.path("device").asText(),
                        r.path("transport").asText(),
                        r.path("reason").asText(),
                        r.path("explanation").asText(),
                        r.path("bucket").isNull() ? null : r.path("bucket").asInt());
            }
        }
        out().flush();
        return 0;
    }

    private void print(String device, String transport, String reason, String explanation, Integer bucket)
            throws IOException {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", device);
            m.put("transport", transport);
            m.put("reason", reason);
            m.put("bucket", bucket);
            out().println(mapper.writeValueAsString(m));
        } else {
            out().printf("%-20s %-7s %s%n", device, transport, explanation);
        }
    }

    private static List<String> stdinIds() throws IOException {
        List<String> ids = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                ids.add(t);
            }
        }
        return ids;
    }

    private static List<String> idsFrom(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        if (file == null) {
            return ids;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    ids.add(FlagValues.deviceId(file.toString(), t));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        return ids;
    }
}
