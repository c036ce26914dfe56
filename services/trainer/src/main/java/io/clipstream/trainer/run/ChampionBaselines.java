package io.clipstream.trainer.run;

import io.clipstream.continual.data.Sample;
import io.clipstream.continual.train.Evaluator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The champion's measurements on each domain's anchors, kept between runs: a run measures the champion (its gate's
 * baseline) only on the domains whose anchors changed since, since the same weights on the same anchors measure the
 * same. Every run ends by remembering what it measured, for the version that is champion afterwards. In memory
 * only: a restarted trainer measures everything once; a rollback (another champion) does too.
 */
final class ChampionBaselines {
    private record Known(List<String> anchorIds, Map<String, Double> metrics, boolean[] hits) {}

    private int version = -1;
    private final Map<String, Known> byDomain = new HashMap<>();

    /** What is known of {@code championVersion} (0: the base) on exactly these anchors; empty maps when nothing. */
    synchronized Evaluator.Measured reusable(int championVersion, Map<String, List<Sample>> anchors) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        if (championVersion == version) {
            anchors.forEach((d, samples) -> {
                Known k = byDomain.get(d);
                if (k != null && k.anchorIds().equals(ids(samples))) {
                    metrics.put(d, k.metrics());
                    if (k.hits() != null) {
                        hits.put(d, k.hits());
                    }
                }
            });
        }
        return new Evaluator.Measured(metrics, hits);
    }

    /** {@code championVersion}'s measurements on {@code anchors}; forgets those of any other version. */
    synchronized void remember(int championVersion, Map<String, List<Sample>> anchors, Evaluator.Measured measured) {
        if (championVersion != version) {
            byDomain.clear();
            version = championVersion;
        }
        anchors.forEach((d, samples) -> {
            Map<String, Double> m = measured.metrics().get(d);
            if (m != null) {
                byDomain.put(
                        d, new Known(ids(samples), m, measured.zeroShotHits().get(d)));
            }
        });
    }

    private static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }
}
