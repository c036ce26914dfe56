package io.clipstream.local;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.contracts.Topics;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.GatewayClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The domain rules seen from outside, before the demo's stages: pairs without a domain, with names outside the
 * grammar (a 300-character name, {@code x/../y}, upper case, full-width unicode), with another producer's domain and
 * with the base domain from a producer not named for it, sent both through the gateway and straight to pairs.raw
 * (where only the curator stands between them and training). Each must end as expected: refused at the gateway with
 * its reason, rejected by the curator with its reason, or curated into its producer's default domain.
 */
final class DomainChecks {
    /** The second producer of the demo: it writes only {@code guest.*} and has no default domain. */
    static final String GUEST = "guest";

    /** One pair sent: how, by whom, what it expected and what became of it. */
    record Case(String via, String producer, String domain, String expected, String seen) {
        boolean ok() {
            return expected.equals(seen);
        }

        @Override
        public String toString() {
            String name = domain == null
                    ? "(none)"
                    : domain.length() > 20 ? domain.substring(0, 12) + "...(" + domain.length() + " chars)" : domain;
            return via + " " + producer + " domain " + name + ": " + seen
                    + (ok() ? "" : " (expected " + expected + ")");
        }
    }

    /** @param enteredKafka pairs that reached pairs.raw (every raw one, and those the gateway accepted) */
    record Result(List<Case> cases, int enteredKafka) {
        boolean ok() {
            return cases.stream().allMatch(Case::ok);
        }

        String describe() {
            long ok = cases.stream().filter(Case::ok).count();
            StringBuilder b = new StringBuilder(ok + " of " + cases.size() + " domain checks as expected");
            for (Case c : cases) {
                b.append("\n   ").append(c.ok() ? "ok   " : "FAIL ").append(c);
            }
            return b.toString();
        }
    }

    private static final String LONG = "d".repeat(300);
    private static final List<String> INVALID = List.of(LONG, "x/../y", "Inverted", "ｓｋｅｔｃｈ");

    private DomainChecks() {}

    /**
     * @param images two images nobody else sends (their pairs are curated into the demo producer's default domain,
     *               the base)
     */
    static Result run(
            GatewayClient demo,
            GatewayClient guest,
            Producer<byte[], byte[]> raw,
            OutcomeCounter outcomes,
            List<DemoPair> images,
            String otherDomain,
            Duration timeout)
            throws Exception {
        String base = LocalStack.BASE_DOMAIN;
        List<Pending> sent = new ArrayList<>();
        List<Case> answered = new ArrayList<>();
        DemoPair first = images.get(0);
        DemoPair second = images.get(1);

        // through the gateway: refused at the door, except a pair without a domain
        GatewayClient.Answer accepted =
                demo.submit(new DemoPair("domains-gateway-none", null, first.text(), first.image()));
        if (accepted.status() == 202) {
            sent.add(new Pending(
                    "gateway", LocalStack.DEMO_SOURCE, null, "curated into " + base, "domains-gateway-none"));
        } else {
            answered.add(new Case(
                    "gateway",
                    LocalStack.DEMO_SOURCE,
                    null,
                    "curated into " + base,
                    accepted.status() + " " + accepted.reason()));
        }
        for (String bad : INVALID) {
            answer(demo, LocalStack.DEMO_SOURCE, bad, "400 " + ReasonCode.DOMAIN_INVALID, first, answered);
        }
        for (String foreign : List.of(otherDomain, base)) {
            answer(guest, GUEST, foreign, "400 " + ReasonCode.DOMAIN_NOT_ALLOWED, first, answered);
        }
        answer(guest, GUEST, null, "400 " + ReasonCode.DOMAIN_NOT_ALLOWED, first, answered);

        // straight to pairs.raw: the curator applies the same catalogue
        int n = 0;
        sent.add(new Pending(
                "raw",
                LocalStack.DEMO_SOURCE,
                null,
                "curated into " + base,
                produce(raw, "domains-raw-" + n++, LocalStack.DEMO_SOURCE, null, second)));
        for (String bad : INVALID) {
            sent.add(new Pending(
                    "raw",
                    LocalStack.DEMO_SOURCE,
                    bad,
                    "rejected " + ReasonCode.DOMAIN_INVALID,
                    produce(raw, "domains-raw-" + n++, LocalStack.DEMO_SOURCE, bad, first)));
        }
        for (String foreign : List.of(otherDomain, base)) {
            sent.add(new Pending(
                    "raw",
                    GUEST,
                    foreign,
                    "rejected " + ReasonCode.DOMAIN_NOT_ALLOWED,
                    produce(raw, "domains-raw-" + n++, GUEST, foreign, first)));
        }
        sent.add(new Pending(
                "raw",
                "stranger",
                otherDomain,
                "rejected " + ReasonCode.DOMAIN_NOT_ALLOWED,
                produce(raw, "domains-raw-" + n++, "stranger", otherDomain, first)));
        raw.flush();

        List<String> ids = sent.stream().map(Pending::pairId).toList();
        outcomes.awaitUntil(
                o -> ids.stream()
                        .allMatch(id -> o.curatedDomain(id) != null
                                || o.rejectedReasons().containsKey(id)),
                timeout,
                null);
        List<Case> cases = new ArrayList<>(answered);
        for (Pending p : sent) {
            cases.add(new Case(p.via(), p.producer(), p.domain(), p.expected(), outcomeOf(p.pairId(), outcomes)));
        }
        return new Result(List.copyOf(cases), ids.size());
    }

    /** A producer of pairs.raw records as the gateway's principal writes them (acks from every replica). */
    static KafkaProducer<byte[], byte[]> rawProducer(Map<String, Object> connection) {
        Map<String, Object> p = new java.util.HashMap<>(connection);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private record Pending(String via, String producer, String domain, String expected, String pairId) {}

    private static String outcomeOf(String pairId, OutcomeCounter outcomes) {
        String domain = outcomes.curatedDomain(pairId);
        if (domain != null) {
            return "curated into " + domain;
        }
        List<ReasonCode> reasons = outcomes.rejectedReasons().get(pairId);
        if (reasons != null) {
            return "rejected "
                    + String.join(",", reasons.stream().map(Enum::name).toList());
        }
        return "no outcome";
    }

    private static void answer(
            GatewayClient client, String producer, String domain, String expected, DemoPair image, List<Case> answered)
            throws Exception {
        GatewayClient.Answer a = client.submit(new DemoPair(null, domain, image.text(), image.image()));
        answered.add(new Case("gateway", producer, domain, expected, a.status() + " " + a.reason()));
    }

    private static String produce(
            Producer<byte[], byte[]> raw, String pairId, String source, String domain, DemoPair image) {
        PairSubmitted e = PairSubmitted.of(
                pairId,
                source,
                domain,
                image.text(),
                Base64.getEncoder().encodeToString(image.image()),
                null,
                Map.of(),
                Instant.now());
        raw.send(new ProducerRecord<>(Topics.PAIRS_RAW, pairId.getBytes(StandardCharsets.UTF_8), Json.write(e)));
        return pairId;
    }
}
