package io.clipstream.local.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import io.clipstream.testkit.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a real Prometheus (Debian's {@code prometheus}) against the running services, with the alert rules of
 * {@code deploy/prometheus/alerts.yml}, and checks what the dashboard needs: every target up, the rules loaded
 * without error, and every {@code clipstream_*} metric that the Grafana dashboards and the alert rules name present.
 */
public final class PrometheusCheck {
    private static final Pattern METRIC = Pattern.compile("clipstream_[a-z0-9_]*[a-z0-9]");
    private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

    /** What the check found: targets up of all, rule groups that failed to load, names used but never scraped. */
    public record Result(
            int targetsUp, int targets, List<String> ruleErrors, List<String> metricsUsed, List<String> missing) {
        public boolean ok() {
            return targetsUp == targets && ruleErrors.isEmpty() && missing.isEmpty();
        }

        public String describe() {
            return String.format(
                    "%d of %d targets up, %d alert rule errors, %d of %d metrics the dashboard and the alerts use "
                            + "present%s",
                    targetsUp,
                    targets,
                    ruleErrors.size(),
                    metricsUsed.size() - missing.size(),
                    metricsUsed.size(),
                    missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing));
        }
    }

    private PrometheusCheck() {}

    /** The Prometheus binary: {@code PROMETHEUS} or {@code prometheus} on the PATH. */
    public static Optional<Path> binary() {
        String env = System.getenv("PROMETHEUS");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * @param repoRoot where {@code deploy/} is
     * @param targets  job name -> base URI of a service (its metrics are at {@code /q/metrics})
     */
    public static Result run(Path prometheus, Path repoRoot, Map<String, URI> targets, Duration timeout)
            throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("clipstream-prometheus");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder cfg = new StringBuilder(
                        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ")
                .append(repoRoot.resolve("deploy/prometheus/alerts.yml").toAbsolutePath())
                .append("\nscrape_configs:\n");
        new TreeMap<>(targets)
                .forEach((job, uri) -> cfg.append("  - job_name: ")
                        .append(job)
                        .append("\n    metrics_path: /q/metrics\n")
                        .append("    static_configs:\n      - targets: [\"")
                        .append(uri.getHost())
                        .append(':')
                        .append(uri.getPort())
                        .append("\"]\n"));
        Files.writeString(work.resolve("prometheus.yml"), cfg);
        Process p = new ProcessBuilder(
                        prometheus.toString(),
                        "--config.file=" + work.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + work.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("prometheus.log").toFile())
                .start();
        URI api = URI.create("http://127.0.0.1:" + port);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> used = metricsUsed(repoRoot);
            int up = 0;
            List<String> missing = used;
            List<String> ruleErrors = List.of("rules not read");
            // every target up and every used name present, or the timeout: the services' meters appear with their first
            // event
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IOException("prometheus exited: " + Files.readString(work.resolve("prometheus.log")));
                }
                try {
                    up = targetsUp(http, api);
                    ruleErrors = ruleErrors(http, api);
                    missing = missing(http, api, used);
                    if (up == targets.size() && missing.isEmpty()) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
            return new Result(up, targets.size(), ruleErrors, used, missing);
        } finally {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            ChildJvm.deleteRecursively(work);
        }
    }

    /** The base names of the {@code clipstream_*} series the dashboards and the alert rules query. */
    static List<String> metricsUsed(Path repoRoot) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(repoRoot.resolve("deploy/grafana/dashboards"))) {
            s.filter(f -> f.toString().endsWith(".json")).forEach(files::add);
        }
        files.add(repoRoot.resolve("deploy/prometheus/alerts.yml"));
        for (Path f : files) {
            Matcher m = METRIC.matcher(Files.readString(f));
            while (m.find()) {
                names.add(baseName(m.group()));
            }
        }
        return List.copyOf(names);
    }

    /** A histogram's or summary's series ({@code _bucket}, {@code _count}, ...) count as its name. */
    static String baseName(String series) {
        for (String s : SUFFIXES) {
            if (series.endsWith(s)) {
                return series.substring(0, series.length() - s.length());
            }
        }
        return series;
    }

    private static int targetsUp(HttpClient http, URI api) throws IOException, InterruptedException {
        int up = 0;
        for (JsonNode t :
                get(http, api, "/api/v1/targets?state=active").path("data").path("activeTargets")) {
            if ("up".equals(t.path("health").asText())) {
                up++;
            }
        }
        return up;
    }

    private static List<String> ruleErrors(HttpClient http, URI api) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        JsonNode groups = get(http, api, "/api/v1/rules").path("data").path("groups");
        if (groups.isEmpty()) {
            out.add("no rule group loaded");
        }
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                if ("err".equals(r.path("health").asText())) {
                    out.add(r.path("name").asText() + ": " + r.path("lastError").asText());
                }
            }
        }
        return out;
    }

    private static List<String> missing(HttpClient http, URI api, List<String> used)
            throws IOException, InterruptedException {
        TreeSet<String> present = new TreeSet<>();
        for (JsonNode n : get(http, api, "/api/v1/label/__name__/values").path("data")) {
            present.add(baseName(n.asText()));
        }
        return used.stream().filter(u -> !present.contains(u)).toList();
    }

    private static JsonNode get(HttpClient http, URI api, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(api.resolve(path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode());
        }
        return Json.mapper().readTree(r.body());
    }
}
