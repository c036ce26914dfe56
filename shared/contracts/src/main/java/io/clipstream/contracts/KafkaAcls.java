package io.clipstream.contracts;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs that follow from {@link TopicSpecs}: each principal may write the topics it produces and
 * read the topics it consumes, under their default names, and nothing else. A service also owns the
 * consumer groups, transactional ids and (Kafka Streams) internal topics named after its principal,
 * e.g. {@code clipstream-curator-by-sha256-repartition}: its application id or group id must be
 * its principal's name. Super users (the broker's admin) bypass them.
 */
public final class KafkaAcls {
    private KafkaAcls() {}

    public static List<AclBinding> bindings(List<TopicSpec> topics) {
        List<AclBinding> acls = new ArrayList<>();
        for (TopicSpec t : topics) {
            for (Principal p : t.writers()) {
                acls.add(allow(p, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.WRITE));
                acls.add(allow(p, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
            }
            for (Principal p : t.readers()) {
                acls.add(allow(p, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.READ));
                acls.add(allow(p, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
            }
        }
        for (Principal p : Principal.values()) {
            // its consumer groups (the Kafka Streams application id is a group id too) and transactions
            acls.add(allow(p, ResourceType.GROUP, p.user(), PatternType.PREFIXED, AclOperation.READ));
            acls.add(allow(p, ResourceType.GROUP, p.user(), PatternType.PREFIXED, AclOperation.DESCRIBE));
            if (p != Principal.OPERATOR) {
                acls.add(allow(p, ResourceType.TRANSACTIONAL_ID, p.user(), PatternType.PREFIXED, AclOperation.WRITE));
                acls.add(
                        allow(p, ResourceType.TRANSACTIONAL_ID, p.user(), PatternType.PREFIXED, AclOperation.DESCRIBE));
            }
        }
        // Kafka Streams: the curator creates and uses its repartition and changelog topics (and its
        // store stage's accepted topic, under the same prefix), and
        // creates the data-plane topics it writes when they are missing (clipstream.topics.create).
        acls.add(allow(
                Principal.CURATOR,
                ResourceType.TOPIC,
                Principal.CURATOR.user() + "-",
                PatternType.PREFIXED,
                AclOperation.ALL));
        for (TopicSpec t : TopicSpecs.DATA_PLANE) {
            acls.add(allow(Principal.CURATOR, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.CREATE));
        }
        return List.copyOf(acls);
    }

    /**
     * The same ACLs as arguments of {@code kafka-acls.sh --add}, one line each, for the deploy files
     * that create them with a shell ({@code acl} is their function around {@code kafka-acls.sh}).
     */
    public static List<String> asKafkaAclsArguments(List<TopicSpec> topics) {
        // one line per principal and resource, with all its operations (one JVM start per line)
        java.util.Map<String, List<String>> ops = new java.util.LinkedHashMap<>();
        for (AclBinding b : bindings(topics)) {
            String target = "--allow-principal " + b.entry().principal() + " %s" + resource(b);
            List<String> list = ops.computeIfAbsent(target, k -> new ArrayList<>());
            String op = "--operation " + operation(b);
            if (!list.contains(op)) {
                list.add(op);
            }
        }
        List<String> lines = new ArrayList<>();
        ops.forEach((target, list) -> lines.add("acl " + target.formatted(String.join(" ", list) + " ")));
        return lines;
    }

    private static String resource(AclBinding b) {
        String flag = switch (b.pattern().resourceType()) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            default ->
                throw new IllegalArgumentException(
                        "no kafka-acls.sh flag for " + b.pattern().resourceType());
        };
        return flag + " " + b.pattern().name()
                + (b.pattern().patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    private static String operation(AclBinding b) {
        return switch (b.entry().operation()) {
            case ALL -> "All";
            case READ -> "Read";
            case WRITE -> "Write";
            case CREATE -> "Create";
            case DESCRIBE -> "Describe";
            default ->
                throw new IllegalArgumentException("operation " + b.entry().operation());
        };
    }

    private static AclBinding allow(Principal p, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(p.kafkaPrincipal(), "*", op, AclPermissionType.ALLOW));
    }
}
