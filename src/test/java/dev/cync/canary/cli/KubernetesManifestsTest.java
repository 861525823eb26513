package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.flags.EnvDefaults;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.http.AdminServer;
import dev.cync.canary.http.HttpCall;
import dev.cync.canary.http.HttpRouter;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/ and the Dockerfile, parsed into the fabric8 Kubernetes model and cross-checked:
 * against each other (selectors, port names, volumes, Secret keys) and against the code (the config
 * through the controller's own strict loader, environment names the code reads, /healthz a real route,
 * the ports of the built-in config, the jar the pom builds).
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy/kubernetes");
    static final ObjectMapper YAML = Json.yaml();

    static Map<String, JsonNode> trees = new TreeMap<>();
    static Deployment deployment;
    static PodSpec pod;
    static Container controller;
    static ConfigMap configMap;
    static Secret secret;
    static Service devices;
    static Service http;
    static Service etcdService;
    static StatefulSet etcd;
    static GenericKubernetesResource serviceMonitor;
    static GenericKubernetesResource prometheusRule;
    static GenericKubernetesResource disruptionBudget;
    static ControllerConfig config;

    @BeforeAll
    static void parse() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                trees.put(f.getFileName().toString(), YAML.readTree(f.toFile()));
            }
        }
        deployment = typed("deployment.yaml", "apps/v1", "Deployment", Deployment.class);
        pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).hasSize(1);
        controller = pod.getContainers().get(0);
        configMap = typed("configmap.yaml", "v1", "ConfigMap", ConfigMap.class);
        secret = typed("secret.yaml", "v1", "Secret", Secret.class);
        devices = typed("service-devices.yaml", "v1", "Service", Service.class);
        http = typed("service-http.yaml", "v1", "Service", Service.class);
        etcdService = typed("etcd-service.yaml", "v1", "Service", Service.class);
        etcd = typed("etcd-statefulset.yaml", "apps/v1", "StatefulSet", StatefulSet.class);
        serviceMonitor = typed(
                "servicemonitor.yaml", "monitoring.coreos.com/v1", "ServiceMonitor", GenericKubernetesResource.class);
        prometheusRule = typed(
                "prometheusrule.yaml", "monitoring.coreos.com/v1", "PrometheusRule", GenericKubernetesResource.class);
        disruptionBudget =
                typed("poddisruptionbudget.yaml", "policy/v1", "PodDisruptionBudget", GenericKubernetesResource.class);
        assertThat(trees.keySet())
                .as("every manifest in %s is checked here", DIR)
                .containsExactlyInAnyOrder(
                        "deployment.yaml",
                        "poddisruptionbudget.yaml",
                        "configmap.yaml",
                        "secret.yaml",
                        "service-devices.yaml",
                        "service-http.yaml",
                        "etcd-service.yaml",
                        "etcd-statefulset.yaml",
                        "servicemonitor.yaml",
                        "prometheusrule.yaml");
        // The controller's own loader: a misspelt or unknown setting fails here as it would at start.
        config = ControllerConfig.parse(YAML.readTree(configMap.getData().get("cync-canary.yaml")));
    }

    static <T> T typed(String file, String apiVersion, String kind, Class<T> type) throws IOException {
        JsonNode t = trees.get(file);
        assertThat(t).as("%s exists", file).isNotNull();
        assertThat(t.path("apiVersion").asText()).as("%s apiVersion", file).isEqualTo(apiVersion);
        assertThat(t.path("kind").asText()).as("%s kind", file).isEqualTo(kind);
        return YAML.treeToValue(t, type);
    }

    @Test
    void noManifestHasAFieldTheKubernetesModelDoesNotKnow() {
        // fabric8 keeps unknown (misspelt) fields in additionalProperties instead of failing.
        Map<String, Map<String, Object>> extra = new LinkedHashMap<>();
        extra.put("Deployment", deployment.getAdditionalProperties());
        extra.put("Deployment.spec", deployment.getSpec().getAdditionalProperties());
        extra.put("Deployment pod spec", pod.getAdditionalProperties());
        extra.put("container", controller.getAdditionalProperties());
        extra.put("readinessProbe", controller.getReadinessProbe().getAdditionalProperties());
        extra.put("livenessProbe", controller.getLivenessProbe().getAdditionalProperties());
        extra.put("container securityContext", controller.getSecurityContext().getAdditionalProperties());
        extra.put("pod securityContext", pod.getSecurityContext().getAdditionalProperties());
        controller.getVolumeMounts().forEach(m -> extra.put("volumeMount " + m.getName(), m.getAdditionalProperties()));
        pod.getVolumes().forEach(v -> extra.put("volume " + v.getName(), v.getAdditionalProperties()));
        controller.getEnv().forEach(v -> extra.put("env " + v.getName(), v.getAdditionalProperties()));
        extra.put("ConfigMap", configMap.getAdditionalProperties());
        extra.put("Secret", secret.getAdditionalProperties());
        for (Service s : List.of(devices, http, etcdService)) {
            extra.put(s.getMetadata().getName(), s.getAdditionalProperties());
            extra.put(s.getMetadata().getName() + ".spec", s.getSpec().getAdditionalProperties());
            s.getSpec()
                    .getPorts()
                    .forEach(p ->
                            extra.put(s.getMetadata().getName() + " port " + p.getName(), p.getAdditionalProperties()));
        }
        extra.put("StatefulSet", etcd.getAdditionalProperties());
        extra.put("StatefulSet.spec", etcd.getSpec().getAdditionalProperties());
        extra.put("etcd pod spec", etcd.getSpec().getTemplate().getSpec().getAdditionalProperties());
        extra.put(
                "etcd container",
                etcd.getSpec().getTemplate().getSpec().getContainers().get(0).getAdditionalProperties());
        extra.values().removeIf(Map::isEmpty);
        assertThat(extra)
                .as("fields the Kubernetes model does not know (misspelt?)")
                .isEmpty();
    }

    static Map<String, String> podLabels() {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }

    static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new TreeMap<>();
        for (ContainerPort p : controller.getPorts()) {
            assertThat(p.getName())
                    .as("container port %s has a name", p.getContainerPort())
                    .isNotBlank();
            ports.put(p.getName(), p.getContainerPort());
        }
        return ports;
    }

    static void assertTargetsAContainerPort(ServicePort p, List<ContainerPort> ports, String service) {
        IntOrString target = p.getTargetPort();
        assertThat(target)
                .as("%s port %s has a targetPort", service, p.getName())
                .isNotNull();
        if (target.getStrVal() != null) {
            assertThat(ports.stream().map(ContainerPort::getName))
                    .as("%s targetPort %s names a container port", service, target.getStrVal())
                    .contains(target.getStrVal());
        } else {
            assertThat(ports.stream().map(ContainerPort::getContainerPort))
                    .as("%s targetPort %s", service, target.getIntVal())
                    .contains(target.getIntVal());
        }
    }

    @Test
    void theControllerServicesSelectTheDeploymentsPodsAndTargetItsPorts() {
        assertThat(deployment.getMetadata().getName())
                .as("the spec's kubectl set env deployment/cync-controller")
                .isEqualTo("cync-controller");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(podLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        for (Service s : List.of(devices, http)) {
            assertThat(s.getSpec().getSelector())
                    .as("%s selector", s.getMetadata().getName())
                    .isNotEmpty();
            assertThat(podLabels())
                    .as("%s selects the controller's pods", s.getMetadata().getName())
                    .containsAllEntriesOf(s.getSpec().getSelector());
            for (ServicePort p : s.getSpec().getPorts()) {
                assertTargetsAContainerPort(
                        p, controller.getPorts(), s.getMetadata().getName());
            }
        }
        // The spec's curl http://cync-controller:9400/metrics.
        assertThat(http.getMetadata().getName()).isEqualTo("cync-controller");
        assertThat(http.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(config.httpPort());
        assertThat(devices.getSpec().getPorts())
                .extracting(ServicePort::getPort)
                .containsExactly(config.server().plainPort(), config.server().tlsPort());
        assertThat(config.server().tlsPort()).isEqualTo(23779);
    }

    @Test
    void theDisruptionBudgetKeepsOneOfTheDeploymentsReplicas() {
        JsonNode spec =
                YAML.valueToTree(disruptionBudget.getAdditionalProperties().get("spec"));
        Map<String, String> match = YAML.convertValue(
                spec.path("selector").path("matchLabels"),
                YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(match).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(spec.path("minAvailable").asInt())
                .isBetween(1, deployment.getSpec().getReplicas() - 1);
    }

    @Test
    void theContainerPortsAreThePortsOfTheConfigTheConfigMapCarries() {
        assertThat(containerPorts())
                .isEqualTo(Map.of(
                        "cync",
                        config.server().plainPort(),
                        "cync-tls",
                        config.server().tlsPort(),
                        "http",
                        config.httpPort()));
        assertThat(config.http().separateApi())
                .as("the API shares 9400 with /metrics, as service-http.yaml says")
                .isFalse();
    }

    @Test
    void theConfigIsTheEtcdStoreOnTheExampleEtcdsMembers() {
        assertThat(config.flags().etcd()).isTrue();
        assertThat(config.flags().replica())
                .as("empty: each replica is named by $HOSTNAME, the pod name")
                .isEmpty();
        assertThat(config.rollout().enabled()).isTrue();
        int client = etcdService.getSpec().getPorts().stream()
                .filter(p -> p.getName().equals("client"))
                .findFirst()
                .orElseThrow()
                .getPort();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < etcd.getSpec().getReplicas(); i++) {
            members.add("http://" + etcd.getMetadata().getName() + "-" + i + "."
                    + etcdService.getMetadata().getName() + ":" + client);
        }
        assertThat(config.etcdFor(Map.of("HOSTNAME", "cync-controller-abc")).endpoints())
                .isEqualTo(members);
        assertThat(etcd.getSpec().getReplicas()).isEqualTo(3);
        assertThat(etcd.getSpec().getServiceName())
                .isEqualTo(etcdService.getMetadata().getName());
        assertThat(etcdService.getSpec().getClusterIP())
                .as("headless: one name per member")
                .isEqualTo("None");
        Map<String, String> etcdPod = etcd.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(etcdPod)
                .containsAllEntriesOf(etcdService.getSpec().getSelector())
                .containsAllEntriesOf(etcd.getSpec().getSelector().getMatchLabels());
        Container e = etcd.getSpec().getTemplate().getSpec().getContainers().get(0);
        for (ServicePort p : etcdService.getSpec().getPorts()) {
            assertTargetsAContainerPort(p, e.getPorts(), "cync-etcd");
        }
        String initial = e.getArgs().stream()
                .filter(a -> a.startsWith("--initial-cluster="))
                .findFirst()
                .orElseThrow();
        for (int i = 0; i < etcd.getSpec().getReplicas(); i++) {
            assertThat(initial).contains("cync-etcd-" + i + "=http://cync-etcd-" + i + ".cync-etcd:2380");
        }
        assertThat(podLabels())
                .as("the controller's Services must not pick etcd's pods")
                .doesNotContainEntry("app.kubernetes.io/name", "cync-etcd");
    }

    @Test
    void everyEnvironmentNameIsOneTheCodeReadsAndEverySecretKeyIsReferenced() {
        Set<String> read = new HashSet<>(List.of(
                AdminAuth.ENV,
                AdminAuth.READ_ENV,
                EnvDefaults.CANARY_PERCENTAGE,
                EnvDefaults.DARK_LAUNCH,
                EnvDefaults.CANARY_COHORT,
                EnvDefaults.CANARY_EXCLUDE,
                EnvDefaults.CANARY_SALT,
                EnvDefaults.DARK_LAUNCH_PERCENTAGE));
        Set<String> referenced = new TreeSet<>();
        for (EnvVar v : controller.getEnv()) {
            assertThat(read).as("env %s is read by the controller", v.getName()).contains(v.getName());
            if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
                assertThat(v.getValueFrom().getSecretKeyRef().getName())
                        .isEqualTo(secret.getMetadata().getName());
                referenced.add(v.getValueFrom().getSecretKeyRef().getKey());
            }
        }
        assertThat(controller.getEnv()).extracting(EnvVar::getName).contains(AdminAuth.ENV);
        for (Volume v : pod.getVolumes()) {
            if (v.getSecret() != null) {
                assertThat(v.getSecret().getSecretName())
                        .isEqualTo(secret.getMetadata().getName());
                v.getSecret().getItems().forEach(i -> referenced.add(i.getKey()));
            }
        }
        assertThat(secret.getStringData().keySet())
                .as("the Secret's keys are exactly those referenced")
                .isEqualTo(referenced);
        // The example token is unusable on purpose: AdminAuth refuses it, so nobody runs with a published token.
        assertThat(secret.getStringData().get("admin-token").length()).isLessThan(16);
    }

    @Test
    void theFilesTheConfigNamesAreMountedFromTheConfigMapAndTheSecret() throws IOException {
        Map<String, Set<String>> mounted = new LinkedHashMap<>();
        for (VolumeMount m : controller.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream()
                    .filter(x -> x.getName().equals(m.getName()))
                    .findFirst()
                    .orElse(null);
            assertThat(v)
                    .as("volume %s of mount %s exists", m.getName(), m.getMountPath())
                    .isNotNull();
            if (v.getConfigMap() != null) {
                assertThat(v.getConfigMap().getName())
                        .isEqualTo(configMap.getMetadata().getName());
                mounted.put(m.getMountPath(), configMap.getData().keySet());
            } else if (v.getSecret() != null) {
                for (KeyToPath i : v.getSecret().getItems()) {
                    assertThat(secret.getStringData()).containsKey(i.getKey());
                }
                mounted.put(
                        m.getMountPath(),
                        v.getSecret().getItems().stream()
                                .map(KeyToPath::getPath)
                                .collect(Collectors.toSet()));
            }
        }
        assertThat(pod.getVolumes())
                .extracting(Volume::getName)
                .as("every volume is mounted")
                .containsExactlyInAnyOrderElementsOf(controller.getVolumeMounts().stream()
                        .map(VolumeMount::getName)
                        .toList());
        for (Path p : List.of(
                config.rollout().planFile(),
                config.rollout().sloFile(),
                config.server().certFile().orElseThrow(),
                config.server().keyFile().orElseThrow())) {
            assertThat(mounted.getOrDefault(p.getParent().toString(), Set.of()))
                    .as("%s is mounted", p)
                    .contains(p.getFileName().toString());
        }
    }

    @Test
    void theConfigMapsSloAndPlanAreTheRepositorysAndLoad(@TempDir Path tmp) throws IOException {
        String slo = configMap.getData().get("slo.yaml");
        String plan = configMap.getData().get("plan.yaml");
        assertThat(slo)
                .as("configmap.yaml slo.yaml is config/slo.yaml (prometheusrule.yaml is generated from it)")
                .isEqualTo(Files.readString(Path.of("config/slo.yaml"), StandardCharsets.UTF_8));
        assertThat(plan)
                .as("configmap.yaml plan.yaml is config/plans/phase2.yaml")
                .isEqualTo(Files.readString(Path.of("config/plans/phase2.yaml"), StandardCharsets.UTF_8));
        Files.writeString(tmp.resolve("slo.yaml"), slo);
        Files.writeString(tmp.resolve("plan.yaml"), plan);
        assertThat(SloSpec.load(tmp.resolve("slo.yaml")).objectives()).isNotEmpty();
        assertThat(RolloutPlan.load(tmp.resolve("plan.yaml"))).isNotNull();
    }

    @Test
    void theProbesAskARealOpenRouteOnANamedPort() {
        HttpRouter router = new HttpRouter(AdminAuth.of("0123456789abcdef0123"), new Metrics());
        AdminServer.monitoringRoutes(router, new Metrics(), () -> Map.of("status", "ok"));
        for (Probe p : List.of(controller.getReadinessProbe(), controller.getLivenessProbe())) {
            String path = p.getHttpGet().getPath();
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http");
            // No token: the kubelet sends none.
            var reply =
                    router.dispatch(new HttpCall("GET", path, Map.of(), Map.of(), new byte[0], List.of(), "kubelet"));
            assertThat(reply.status()).as("GET %s without a token", path).isEqualTo(200);
        }
        assertThat(controller.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootWithResources() {
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        var sc = controller.getSecurityContext();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(controller.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(controller.getResources().getLimits()).containsKey("memory");
        // What must be writable on a read-only root: the state directory and /tmp, each an emptyDir.
        Map<String, String> emptyDirs = new TreeMap<>();
        for (VolumeMount m : controller.getVolumeMounts()) {
            pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null)
                    .forEach(v -> emptyDirs.put(m.getMountPath(), v.getName()));
        }
        assertThat(emptyDirs.keySet())
                .containsExactlyInAnyOrder(Dockerfile.read().stateDir(), "/tmp");
    }

    @Test
    void theServiceMonitorScrapesTheMetricsServiceAsTheJobTheAlertsWatch() throws IOException {
        JsonNode spec =
                YAML.valueToTree(serviceMonitor.getAdditionalProperties().get("spec"));
        Map<String, String> match = YAML.convertValue(
                spec.path("selector").path("matchLabels"),
                YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(http.getMetadata().getLabels()).containsAllEntriesOf(match);
        for (Service other : List.of(devices, etcdService)) {
            assertThat(other.getMetadata().getLabels().entrySet().containsAll(match.entrySet()))
                    .as(
                            "only the metrics Service is scraped, not %s",
                            other.getMetadata().getName())
                    .isFalse();
        }
        for (JsonNode e : spec.path("endpoints")) {
            assertThat(http.getSpec().getPorts())
                    .extracting(ServicePort::getName)
                    .contains(e.path("port").asText());
            assertThat(e.path("path").asText()).isEqualTo("/metrics");
        }
        String job = http.getMetadata().getLabels().get(spec.path("jobLabel").asText());
        String alerts = Files.readString(Path.of("monitoring/prometheus-alerts.yml"), StandardCharsets.UTF_8);
        assertThat(alerts)
                .as("CanaryControllerDown watches the job the ServiceMonitor gives")
                .contains("up{job=\"" + job + "\"} == 0");
    }

    @Test
    void thePrometheusRuleHoldsExactlyTheGeneratedRuleGroups() throws IOException {
        ArrayNode expected = YAML.createArrayNode();
        for (String f : List.of("prometheus-rules.yml", "prometheus-alerts.yml")) {
            expected.addAll(
                    (ArrayNode) YAML.readTree(Path.of("monitoring", f).toFile()).get("groups"));
        }
        JsonNode groups = YAML.valueToTree(
                        prometheusRule.getAdditionalProperties().get("spec"))
                .get("groups");
        assertThat(groups).isEqualTo(expected);
    }

    /** The Dockerfile's facts the manifests and the pom depend on. */
    record Dockerfile(
            List<String> from, Set<Integer> expose, String user, List<String> entrypoint, List<String[]> copies) {

        static Dockerfile read() {
            try {
                List<String> from = new ArrayList<>();
                Set<Integer> expose = new TreeSet<>();
                String user = null;
                List<String> entrypoint = null;
                List<String[]> copies = new ArrayList<>();
                for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
                    String[] w = line.trim().split("\\s+");
                    switch (w[0]) {
                        case "FROM" -> from.add(w[1]);
                        case "EXPOSE" ->
                            Stream.of(w).skip(1).map(Integer::valueOf).forEach(expose::add);
                        case "USER" -> user = w[1];
                        case "ENTRYPOINT" ->
                            entrypoint = List.of(
                                    YAML.readValue(line.trim().substring("ENTRYPOINT".length()), String[].class));
                        case "COPY" -> copies.add(w);
                        default -> {}
                    }
                }
                return new Dockerfile(from, expose, user, entrypoint, copies);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        String after(String flag) {
            return entrypoint.get(entrypoint.indexOf(flag) + 1);
        }

        String stateDir() {
            return after("--state-dir");
        }
    }

    @Test
    void theDockerfileExposesTheConfigsPortsAndCopiesTheJarThePomBuilds() throws Exception {
        Dockerfile d = Dockerfile.read();
        ControllerConfig builtIn = ControllerConfig.load(null);
        assertThat(d.expose())
                .isEqualTo(Set.of(builtIn.server().plainPort(), builtIn.server().tlsPort(), builtIn.httpPort()));
        assertThat(d.expose()).isEqualTo(new HashSet<>(containerPorts().values()));
        assertThat(d.from()).hasSize(2);
        assertThat(d.from().get(0)).startsWith("maven:").contains("eclipse-temurin-17");
        assertThat(d.from().get(1)).isEqualTo("eclipse-temurin:17-jre");

        var pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile());
        String finalName = pom.getElementsByTagName("finalName").item(0).getTextContent();
        String version = pom.getElementsByTagName("version").item(0).getTextContent();
        String jar = "/opt/cync-canary/" + finalName + ".jar";
        assertThat(d.copies())
                .anySatisfy(c -> assertThat(c)
                        .containsExactly("COPY", "--from=build", "/src/target/" + finalName + ".jar", jar));
        assertThat(d.entrypoint()).containsSequence("-jar", jar, "serve");
        for (String[] c : d.copies()) {
            if (!c[1].startsWith("--from")) {
                for (int i = 1; i < c.length - 1; i++) {
                    assertThat(Path.of(c[i])).as("COPY %s exists", c[i]).exists();
                }
            }
        }
        assertThat(d.user())
                .isEqualTo(pod.getSecurityContext().getRunAsUser() + ":"
                        + pod.getSecurityContext().getRunAsGroup());
        // The config path the ENTRYPOINT reads is the ConfigMap's key where the Deployment mounts it.
        String configPath = d.after("--config");
        VolumeMount configMount = controller.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("config"))
                .findFirst()
                .orElseThrow();
        assertThat(configPath).isEqualTo(configMount.getMountPath() + "/cync-canary.yaml");
        assertThat(configMap.getData()).containsKey("cync-canary.yaml");
        assertThat(controller.getImage())
                .as("the image tag is the pom's version")
                .isEqualTo("cync-canary:" + version);
        Matcher release =
                Pattern.compile("<maven.compiler.release>(\\d+)<").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(release.find()).isTrue();
        assertThat(release.group(1)).isEqualTo("17");
        // The build stage copies what the build reads: the pom, config/ (resources) and src/main.
        assertThat(d.copies()).anySatisfy(c -> assertThat(c[1]).isEqualTo("pom.xml"));
        assertThat(d.copies()).anySatisfy(c -> assertThat(c[1]).isEqualTo("config"));
        assertThat(d.copies()).anySatisfy(c -> assertThat(c[1]).isEqualTo("src/main"));
    }
}
