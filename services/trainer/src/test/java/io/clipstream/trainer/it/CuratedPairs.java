package io.clipstream.trainer.it;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.continual.bench.synthetic.SyntheticDomains;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the curator would have written for synthetic pairs: each image in object storage, a PairCurated on the topic. */
final class CuratedPairs {
    private CuratedPairs() {}

    /** Sends {@code n} pairs of {@code domain} drawn with {@code seed}; pair ids are {@code <domain>-<seed>-<i>}. */
    static void send(ObjectStore store, Producer<String, byte[]> producer, String topic, String domain, int n, long seed) throws IOException {
        Instant t = Instant.now();
        int i = 0;
        for (SyntheticDomains.Pair p : SyntheticDomains.pairs(domain, n, seed)) {
            byte[] png = SyntheticDomains.png(p.image());
            String sha = ContentAddress.sha256Hex(png);
            String key = ContentAddress.imageKey(sha, "png");
            store.put(key, png, "image/png");
            PairCurated c = new PairCurated(PairCurated.SCHEMA_VERSION, domain + "-" + seed + "-" + i++, "it", domain, sha, key,
                    ContentAddress.textKey(sha), "png", "0000000000000000", 28, 28, p.caption(), Map.of(), t, t);
            producer.send(new ProducerRecord<>(topic, sha, Json.write(c)));
        }
        producer.flush();
    }
}
