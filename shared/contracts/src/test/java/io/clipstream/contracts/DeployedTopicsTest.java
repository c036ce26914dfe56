package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The topic scripts of docker-compose.yml and deploy/k8s/topics-job.yaml create exactly the topics of
 * {@link TopicSpecs}, each with its compaction, retention, largest message and partitions (the data plane's from the
 * deploy's {@code PARTITIONS}), and grant each topic's writers Write and its readers Read: a change to one side that
 * the other does not follow fails here.
 */
class DeployedTopicsTest {
    private static final Path ROOT = Path.of("../..");
    private static final Pattern TOPIC = Pattern.compile("^\\s*t --topic (\\S+)\\s+--partitions (\\S+)(.*)$");
    private static final Pattern CONFIG = Pattern.compile("--config ([a-z.]+)=(\\S+)");
    private static final Pattern ACL =
            Pattern.compile("^\\s*acl --allow-principal User:(\\S+)((?: --operation \\w+)+) --topic (\\S+)\\s*$");

    private record Created(String partitions, Map<String, String> config) {}

    @Test
    void composeCreatesTheTopicsOfTheContracts() throws IOException {
        check(ROOT.resolve("docker-compose.yml"));
        assertThat(Files.readString(ROOT.resolve("docker-compose.yml")))
                .contains("PARTITIONS: \"${TOPIC_PARTITIONS:-" + TopicSpecs.DATA_PARTITIONS + "}\"");
    }

    @Test
    void theKubernetesJobCreatesTheTopicsOfTheContracts() throws IOException {
        check(ROOT.resolve("deploy/k8s/topics-job.yaml"));
    }

    private static void check(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Map<String, Created> created = new LinkedHashMap<>();
        Map<String, Map<String, Set<String>>> granted = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher t = TOPIC.matcher(line);
            if (t.matches()) {
                Map<String, String> config = new LinkedHashMap<>();
                Matcher c = CONFIG.matcher(t.group(3));
                while (c.find()) {
                    config.put(c.group(1), c.group(2));
                }
                created.put(
                        t.group(1), new Created(t.group(2).replace("$$", "$").replace("\"", ""), config));
            }
            Matcher a = ACL.matcher(line);
            if (a.matches()) {
                Set<String> ops = granted.computeIfAbsent(a.group(3), k -> new LinkedHashMap<>())
                        .computeIfAbsent(a.group(1), k -> new java.util.HashSet<>());
                for (String op : a.group(2).trim().split("\\s*--operation\\s+")) {
                    if (!op.isBlank()) {
                        ops.add(op.trim());
                    }
                }
            }
        }
        assertThat(created.keySet())
                .as(file + " creates")
                .containsExactlyInAnyOrderElementsOf(
                        TopicSpecs.ALL.stream().map(TopicSpec::name).toList());
        for (TopicSpec s : TopicSpecs.ALL) {
            Created c = created.get(s.name());
            String where = file + ": " + s.name();
            assertThat(c.partitions())
                    .as(where + " partitions")
                    .isEqualTo(TopicSpecs.DATA_PLANE.contains(s) ? "$PARTITIONS" : Integer.toString(s.partitions()));
            assertThat("compact".equals(c.config().get("cleanup.policy")))
                    .as(where + " compacted")
                    .isEqualTo(s.compacted());
            assertThat(c.config().get("retention.ms"))
                    .as(where + " retention")
                    .isEqualTo(
                            s.retention().map(d -> Long.toString(d.toMillis())).orElse(null));
            assertThat(c.config().get("max.message.bytes"))
                    .as(where + " largest message")
                    .isEqualTo(s.maxMessageBytes().map(String::valueOf).orElse(null));
            Map<String, Set<String>> acl = granted.getOrDefault(s.name(), Map.of());
            for (Principal w : s.writers()) {
                assertThat(acl.getOrDefault(w.user(), Set.of()))
                        .as(where + " written by " + w)
                        .contains("Write");
            }
            for (Principal r : s.readers()) {
                assertThat(acl.getOrDefault(r.user(), Set.of()))
                        .as(where + " read by " + r)
                        .contains("Read");
            }
            for (Principal p : EnumSet.complementOf(EnumSet.copyOf(s.writers()))) {
                assertThat(acl.getOrDefault(p.user(), Set.of()))
                        .as(where + ": " + p + " may not write")
                        .doesNotContain("Write", "All");
            }
        }
    }
}
