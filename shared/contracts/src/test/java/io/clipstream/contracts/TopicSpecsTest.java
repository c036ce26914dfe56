package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The topic list is the one place: the deploy files that create topics with their own shell
 * commands (docker-compose.yml, deploy/k8s/topics-job.yaml) must create exactly these topics with
 * exactly these settings.
 */
class TopicSpecsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    /** {@code t --topic NAME --partitions N --config k=v ...} (the helper function both files define). */
    private static final Pattern CREATE =
            Pattern.compile("^\\s*t --topic (\\S+)\\s+--partitions (\\S+)((?:\\s+--config \\S+)*)\\s*$");

    private static final Pattern CONFIG = Pattern.compile("--config (\\S+?)=(\\S+)");

    record Created(String name, String partitions, Map<String, String> configs) {}

    static List<Created> created(Path file) throws IOException {
        List<Created> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = CREATE.matcher(line);
            if (m.matches()) {
                Map<String, String> configs = new LinkedHashMap<>();
                Matcher c = CONFIG.matcher(m.group(3));
                while (c.find()) {
                    configs.put(c.group(1), c.group(2));
                }
                out.add(new Created(m.group(1), m.group(2), configs));
            }
        }
        return out;
    }

    static void assertMatchesSpecs(Path file) throws IOException {
        assertThat(ROOT.resolve("pom.xml")).exists();
        List<Created> created = created(file);
        assertThat(created)
                .extracting(Created::name)
                .as(file + " creates every topic once")
                .containsExactlyInAnyOrderElementsOf(
                        TopicSpecs.ALL.stream().map(TopicSpec::name).toList());
        for (Created c : created) {
            TopicSpec spec = TopicSpecs.named(c.name()).orElseThrow();
            Map<String, String> expected = new HashMap<>(spec.configs());
            Map<String, String> actual = new HashMap<>(c.configs());
            actual.remove("min.insync.replicas"); // a cluster property, not a topic contract
            actual.putIfAbsent("cleanup.policy", "delete");
            assertThat(actual).as(file.getFileName() + ": " + c.name()).isEqualTo(expected);
            if (spec.partitions() == 1) {
                assertThat(c.partitions()).as(c.name() + " partitions").isEqualTo("1");
            } else {
                assertThat(c.partitions())
                        .as(c.name() + " partitions follow the data-plane setting")
                        .contains("PARTITIONS");
            }
        }
    }

    /** The {@code acl ...} lines of a deploy file (its shell function around kafka-acls.sh --add). */
    static List<String> aclLines(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("acl --"))
                .toList();
    }

    /** The topic table of docs/architecture.md, as {@link TopicSpecs} says it. */
    static String markdownTable() {
        StringBuilder b = new StringBuilder(
                "| topic | key | value | partitions | kept | written by | read by |\n|---|---|---|---|---|---|---|\n");
        for (TopicSpec t : TopicSpecs.ALL) {
            String kept = t.compacted()
                    ? "compacted"
                    : t.retention().map(d -> d.toDays() + " days").orElseThrow();
            String partitions = t.partitions() == TopicSpecs.DATA_PARTITIONS
                    ? t.partitions() + " (data plane)"
                    : String.valueOf(t.partitions());
            b.append("| `")
                    .append(t.name())
                    .append("` | ")
                    .append(t.key())
                    .append(" | `")
                    .append(t.valueType().getSimpleName())
                    .append("` | ")
                    .append(partitions)
                    .append(" | ")
                    .append(kept)
                    .append(" | ")
                    .append(users(t.writers()))
                    .append(" | ")
                    .append(users(t.readers()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String users(java.util.Set<Principal> principals) {
        return principals.stream()
                .sorted()
                .map(p -> p.name().toLowerCase(java.util.Locale.ROOT))
                .reduce((a, c) -> a + ", " + c)
                .orElse("");
    }

    @Test
    void theArchitecturePagesTopicTableIsTheTopicList() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/architecture.md"));
        assertThat(page)
                .as("docs/architecture.md holds the topic table generated from TopicSpecs (copy it from here)")
                .contains(markdownTable());
    }

    @Test
    void dockerComposeCreatesTheSpecifiedTopicsAndAcls() throws IOException {
        assertMatchesSpecs(ROOT.resolve("docker-compose.yml"));
        assertThat(aclLines(ROOT.resolve("docker-compose.yml")))
                .containsExactlyInAnyOrderElementsOf(KafkaAcls.asKafkaAclsArguments(TopicSpecs.ALL));
    }

    @Test
    void kubernetesTopicsJobCreatesTheSpecifiedTopicsAndAcls() throws IOException {
        assertMatchesSpecs(ROOT.resolve("deploy/k8s/topics-job.yaml"));
        assertThat(aclLines(ROOT.resolve("deploy/k8s/topics-job.yaml")))
                .containsExactlyInAnyOrderElementsOf(KafkaAcls.asKafkaAclsArguments(TopicSpecs.ALL));
    }

    @Test
    void eachServiceWritesOnlyWhatItProduces() {
        var writes = KafkaAcls.bindings(TopicSpecs.ALL).stream()
                .filter(b -> b.entry().operation() == org.apache.kafka.common.acl.AclOperation.WRITE
                        && b.pattern().resourceType() == org.apache.kafka.common.resource.ResourceType.TOPIC)
                .map(b -> b.entry().principal() + " " + b.pattern().name())
                .toList();
        assertThat(writes)
                .contains("User:clipstream-gateway pairs.raw", "User:clipstream-curator pairs.curated")
                .noneMatch(w -> w.startsWith("User:clipstream-gateway") && !w.endsWith("pairs.raw"))
                .noneMatch(w -> w.startsWith("User:clipstream-operator"));
    }

    @Test
    void everyTopicHasAWriterAndDefaultNamesAreTheDocumentedOnes() {
        assertThat(TopicSpecs.ALL).allSatisfy(t -> assertThat(t.writers()).isNotEmpty());
        assertThat(TopicSpecs.PAIRS_RAW.writers()).containsExactly(Principal.GATEWAY);
        assertThat(TopicSpecs.PAIRS_CURATED.writers()).containsExactly(Principal.CURATOR);
        assertThat(TopicSpecs.PAIRS_RAW.configs()).containsEntry("max.message.bytes", "8388608");
        assertThat(TopicSpecs.PAIRS_CURATED.configs())
                .containsEntry("cleanup.policy", "compact")
                .doesNotContainKey("retention.ms");
    }
}
