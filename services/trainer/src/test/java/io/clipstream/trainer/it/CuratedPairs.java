package io.clipstream.trainer.it;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.synthetic.SyntheticDomains;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the curator would have written for synthetic pairs: each image in object storage, a PairCurated on the topic.
 */
final class CuratedPairs {
    private CuratedPairs() {}

    /** Sends {@code n} pairs of {@code domain} drawn with {@code seed}; pair ids are {@code <domain>-<seed>-<i>}. */
    static void send(
            ObjectStore store, Producer<String, byte[]> producer, String topic, String domain, int n, long seed)
            throws IOException {
        send(store, producer, topic, domain, n, seed, List.of());
    }

    /** The same, with {@code halfway} sent after the first half of the pairs. */
    static void send(
            ObjectStore store,
            Producer<String, byte[]> producer,
            String topic,
            String domain,
            int n,
            long seed,
            List<ProducerRecord<String, byte[]>> halfway)
            throws IOException {
        sendAs(store, producer, topic, domain, domain, n, seed, halfway);
    }

    /** Pairs drawn as {@code look}'s synthetic images, declared as {@code domain}. */
    static void sendAs(
            ObjectStore store,
            Producer<String, byte[]> producer,
            String topic,
            String look,
            String domain,
            int n,
            long seed,
            List<ProducerRecord<String, byte[]>> halfway)
            throws IOException {
        Instant t = Instant.now();
        int i = 0;
        for (SyntheticDomains.Pair p : SyntheticDomains.pairs(look, n, seed)) {
            if (i == n / 2) {
                halfway.forEach(producer::send);
            }
            byte[] png = SyntheticDomains.png(p.image());
            String sha = ContentAddress.sha256Hex(png);
            String key = ContentAddress.imageKey(sha, "png");
            store.put(key, png, "image/png");
            PairCurated c = new PairCurated(
                    PairCurated.SCHEMA_VERSION,
                    domain + "-" + seed + "-" + i++,
                    "it",
                    domain,
                    sha,
                    key,
                    ContentAddress.textKey("it", sha),
                    "png",
                    "0000000000000000",
                    28,
                    28,
                    p.caption(),
                    Map.of(),
                    t,
                    t);
            producer.send(new ProducerRecord<>(topic, c.catalogueKey(), Json.write(c)));
        }
        producer.flush();
    }

    /**
     * Records no trainer can take, as an unchecked or buggy upstream could have left them on the compacted topic:
     * pair ids {@code no-domain}, {@code climbing-domain} ({@code x/../y}), {@code upper-domain} ({@code Upper}), and
     * a value that is not JSON to its end.
     */
    static List<ProducerRecord<String, byte[]>> unacceptable(String topic) {
        Instant t = Instant.now();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        String[][] idAndDomain = {{"no-domain", null}, {"climbing-domain", "x/../y"}, {"upper-domain", "Upper"}};
        for (int i = 0; i < idAndDomain.length; i++) {
            String sha = String.format("%064x", 900_000 + i);
            PairCurated c = new PairCurated(
                    PairCurated.SCHEMA_VERSION,
                    idAndDomain[i][0],
                    "it",
                    idAndDomain[i][1],
                    sha,
                    ContentAddress.imageKey(sha, "png"),
                    null,
                    "png",
                    "0000000000000000",
                    28,
                    28,
                    "a photo of a circle.",
                    Map.of(),
                    t,
                    t);
            out.add(new ProducerRecord<>(topic, sha, Json.write(c)));
        }
        out.add(new ProducerRecord<>(
                topic, String.format("%064x", 900_100), "{\"pairId\": \"cut-short".getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
