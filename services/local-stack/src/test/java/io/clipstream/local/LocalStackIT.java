package io.clipstream.local;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.datasets.GreyImages;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.PairSources;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole data plane end to end, as the README's demo runs it: embedded broker and S3 server, the
 * curator, gateway and embedding-refresh jars as separate JVMs, pairs pushed over HTTP, outcomes read from
 * the topics, and every curated pair in the search index.
 */
class LocalStackIT {
    @Test
    void everyPushedPairEndsCuratedOrRejectedWithItsReason() throws Exception {
        Assumptions.assumeTrue(FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist not installed");
        List<DemoPair> pairs = new ArrayList<>(PairSources.fashionMnist(FashionMnist.defaultDir(), 120, "fashion"));
        DemoPair first = pairs.getFirst();
        pairs.add(new DemoPair("copy-of-first", "fashion", "another caption for the same bytes", first.image()));
        pairs.add(new DemoPair("one-pixel", "fashion", "a photo of a tiny dot", GreyImages.toPng(new byte[]{(byte) 200}, 1, 1)));
        pairs.add(new DemoPair("no-caption", "fashion", "  \u0007 ", pairs.get(1).image()));
        pairs.add(new DemoPair("blank", "fashion", "a photo of nothing at all", GreyImages.toPng(new byte[28 * 28], 28, 28)));

        Path root = Path.of("../..").toAbsolutePath().normalize();
        LocalStack.Outcome outcome = LocalStack.run(root, pairs, false, Duration.ofMinutes(4), 3);

        assertThat(outcome.pushed()).isEqualTo(pairs.size());
        assertThat(outcome.isComplete()).as("curated + rejected = pushed, no pair in both").isTrue();
        assertThat(outcome.rejected().get("copy-of-first")).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(outcome.rejected().get("one-pixel")).contains(ReasonCode.IMAGE_TOO_SMALL);
        assertThat(outcome.rejected().get("no-caption")).contains(ReasonCode.TEXT_EMPTY);
        assertThat(outcome.rejected().get("blank")).contains(ReasonCode.IMAGE_BLURRY);
        assertThat(outcome.curated()).contains(first.pairId()).hasSizeGreaterThanOrEqualTo(115);
        assertThat(outcome.searchable()).as("every curated pair is in the search index").isEqualTo(outcome.curated().size());
        assertThat(outcome.freshness().missed()).as("each probe pair pushed after the stream is found by its own image").isZero();
    }
}
