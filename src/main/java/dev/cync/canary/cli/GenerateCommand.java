package dev.cync.canary.cli;

import dev.cync.canary.monitoring.MonitoringGenerator;
import dev.cync.canary.slo.SloSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cync-canary generate monitoring}: Prometheus rules and alerts, Alertmanager routing, Grafana dashboards. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description =
                "Generate the monitoring from the SLO file (generate monitoring [--slo F] [--out DIR]): the Prometheus"
                        + " rules, alerts and their unit tests, the Alertmanager routing and two Grafana dashboards go to --out,"
                        + " and queries.md to the docs directory beside it; the Prometheus Operator's"
                        + " prometheusrule.yaml and servicemonitor.yaml go to deploy/kubernetes/ beside it.")
final class GenerateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "WHAT", description = "What to generate: monitoring.")
    String what;

    @Option(names = "--slo", paramLabel = "F", description = "SLO file (default: the built-in config/slo.yaml).")
    Path slo;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "monitoring",
            description = "Where to write (default ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!what.equals("monitoring")) {
            throw new IllegalArgumentException("WHAT must be monitoring, got '" + what + "'");
        }
        Files.createDirectories(out);
        for (Map.Entry<String, String> f :
                MonitoringGenerator.generate(SloSpec.load(slo)).entrySet()) {
            Path target = out.resolve(f.getKey()).normalize();
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + target);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
