package io.clipstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.datasets.GreyImages;
import io.clipstream.local.producer.DemoPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The whole loop end to end, as the README's demo runs it with smaller sizes: embedded broker and S3 server; the
 * curator, gateway, trainer (per-domain experts) and embedding-refresh jars as separate JVMs; pairs pushed over HTTP.
 * The base domain's pairs first, in a run of their own (its refinement promoted or rejected by the gate); then two
 * new domains (inverted, sketch) and a harmful one (inverted images, captions shuffled across them) that arrive
 * together and are trained in one run, asked for once all their pairs wait at the trainer: the two experts are
 * promoted into one version, the harmful domain is rejected with the gate's reasons and its pairs quarantined; the
 * index re-embeds the pairs the new experts take and carries the base domain's vectors; a text query within each new
 * domain and an image query of it are answered from that domain's expert. Bad pairs among inverted's end rejected
 * with their reasons, and every curated pair is searchable. Before the stages, pairs with hostile or foreign domains
 * (through the gateway and straight to pairs.raw) end refused, rejected or in their producer's default domain, and
 * training goes on after them.
 */
class LocalStackIT {
    private static final int PER_DOMAIN = 500;

    @Test
    void twoGoodDomainsAndAHarmfulOneInOneRunPromoteTwoExpertsAndTheIndexAnswersFromThem() throws Exception {
        Assumptions.assumeTrue(
                FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist not installed");
        BaseCheckpoint.Recipe base =
                LocalStack.Options.defaults().base(); // the demo's base, cached in .clipstream/base
        // the base domain first: with per-domain experts the router tells every new domain from the base domain's pairs
        List<DomainLoop.Stage> stages = new ArrayList<>(LocalStack.stages(
                List.of("original", "inverted", "sketch", "inverted-mislabelled"), base.images(), PER_DOMAIN));
        List<DemoPair> first = new ArrayList<>(stages.get(1).pairs());
        DemoPair one = first.getFirst();
        first.add(new DemoPair("copy-of-first", "inverted", "another caption for the same bytes", one.image()));
        first.add(new DemoPair(
                "one-pixel", "inverted", "a photo of a tiny dot", GreyImages.toPng(new byte[] {(byte) 200}, 1, 1)));
        first.add(
                new DemoPair("no-caption", "inverted", "  \u0007 ", first.get(1).image()));
        first.add(new DemoPair(
                "blank", "inverted", "a photo of nothing at all", GreyImages.toPng(new byte[28 * 28], 28, 28)));
        // runs by hand, each once every pair since the last one waits: original alone, then the other three together
        stages.set(0, new DomainLoop.Stage("original", stages.get(0).pairs(), DomainLoop.RunStart.ALL_WAITING));
        stages.set(1, new DomainLoop.Stage("inverted", first, DomainLoop.RunStart.NONE));
        stages.set(2, new DomainLoop.Stage("sketch", stages.get(2).pairs(), DomainLoop.RunStart.NONE));
        stages.set(
                3,
                new DomainLoop.Stage("inverted-mislabelled", stages.get(3).pairs(), DomainLoop.RunStart.ALL_WAITING));

        Path root = Path.of("../..").toAbsolutePath().normalize();
        LocalStack.Options options = new LocalStack.Options(
                base,
                "a picture of a trouser.",
                3,
                false,
                Duration.ofMinutes(4),
                Map.of("clipstream.trainer.trigger.count", "1000000"), // no run by count
                true,
                Path.of("services/local-stack/target/screenshots"));
        LocalStack.Outcome outcome = LocalStack.run(root, stages, options);

        assertThat(outcome.isComplete())
                .as("curated + rejected = pushed, no pair in both")
                .isTrue();
        // hostile domains through the gateway and straight to pairs.raw, before the stages: each refused with its
        // reason or curated into its producer's default domain (and the stages after them run on their merits, below)
        assertThat(outcome.domains().ok()).as(outcome.domains().describe()).isTrue();
        assertThat(outcome.domains().cases()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(outcome.rejected().get("copy-of-first")).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(outcome.rejected().get("one-pixel")).contains(ReasonCode.IMAGE_TOO_SMALL);
        assertThat(outcome.rejected().get("no-caption")).contains(ReasonCode.TEXT_EMPTY);
        assertThat(outcome.rejected().get("blank")).contains(ReasonCode.IMAGE_BLURRY);
        assertThat(outcome.curated()).contains(one.pairId());
        assertThat(outcome.searchable())
                .as("every curated pair is in the search index")
                .isEqualTo(outcome.curated().size());
        assertThat(outcome.freshness().missed())
                .as("each probe pair pushed after the loop is found by its own image")
                .isZero();

        List<DomainLoop.StageResult> s = outcome.stages();
        // the base domain's refinement: the base model already serves it, and at 500 pairs a domain the gate's decision
        // on it turns on a few anchors (one run: 67.6 -> 61.0 on its anchors, z -1.81 against the 1.64 bound, rejected;
        // the runs before it promoted): either outcome, with its reasons; the new domains' experts are what the loop
        // must deliver
        TrainingRun refined = s.get(0).run();
        assertThat(refined).as("original ends a run").isNotNull();
        assertThat(refined.state())
                .as("original: " + refined.reasons())
                .isIn(TrainingRun.State.PROMOTED, TrainingRun.State.REJECTED);
        boolean baseRefined = refined.state() == TrainingRun.State.PROMOTED;
        if (!baseRefined) {
            assertThat(refined.reasons()).isNotEmpty();
        }
        assertThat(s.get(1).run())
                .as("inverted's pairs wait for the run of the three")
                .isNull();
        assertThat(s.get(2).run())
                .as("sketch's pairs wait for the run of the three")
                .isNull();

        // one run of two good domains and a harmful one: the good experts promoted, the harmful domain rejected
        TrainingRun three = s.get(3).run();
        assertThat(three).as("the run of the three domains ends").isNotNull();
        assertThat(three.pairsPerDomain()).containsKeys("inverted", "sketch", "inverted-mislabelled");
        assertThat(three.state()).as("the run of the three: " + three.reasons()).isEqualTo(TrainingRun.State.PROMOTED);
        int champion = baseRefined ? 2 : 1;
        assertThat(three.version()).isEqualTo(champion);
        assertThat(three.reasons())
                .as("only the harmful domain is rejected, with the gate's reasons")
                .isNotEmpty()
                .allMatch(r -> r.startsWith("inverted-mislabelled rejected: "));
        assertThat(outcome.quarantined().get("inverted-mislabelled"))
                .as("its training pairs wait in the quarantine: %s", outcome.quarantined())
                .isBetween(1, PER_DOMAIN);
        if (baseRefined) {
            assertThat(outcome.quarantined()).containsOnlyKeys("inverted-mislabelled");
        } else {
            assertThat(outcome.quarantined()).containsOnlyKeys("original", "inverted-mislabelled");
        }
        // experts guard what was learnt: the base domain's refined expert loses nothing to the new experts but what the
        // router sends astray
        if (baseRefined) {
            assertThat(three.metrics().get("original").get("zero_shot"))
                    .as("original after the three")
                    .isGreaterThanOrEqualTo(refined.metrics().get("original").get("zero_shot") - 0.02);
        }

        // the index of the new version re-embeds what the new experts take and carries the base domain's vectors
        IndexEvent swap = s.get(3).swap();
        assertThat(swap).as("the index of v%d swapped in", champion).isNotNull();
        assertThat(swap.reembedded() + swap.carried()).isEqualTo(swap.indexed());
        assertThat(swap.carried())
                .as("the base domain's pairs keep their vectors: %s", swap)
                .isGreaterThanOrEqualTo(PER_DOMAIN);
        assertThat(swap.reembedded())
                .as("the new domains' pairs are embedded by their experts: %s", swap)
                .isGreaterThanOrEqualTo(PER_DOMAIN)
                .isLessThan(swap.indexed());
        assertThat(s.get(3).query().version())
                .as("the query is answered by the new version")
                .isEqualTo(champion);
        assertThat(outcome.liveVersion()).isEqualTo(champion);
        // a text query within each new domain, and an image query of it, answered from that domain's expert; the
        // router may send a stray pair elsewhere: most hits, not all (10 of 10 here, 6 of 10 for sketch in a demo of
        // five domains)
        for (String d : List.of("inverted", "sketch")) {
            LocalStack.Experts e = outcome.experts().get(d);
            assertThat(e.textHits()).as("text hits within %s", d).hasSize(10);
            assertThat(e.textHits().stream().filter(d::equals).count())
                    .as("text hits within %s answered by its expert: %s", d, e.textHits())
                    .isGreaterThanOrEqualTo(6);
            assertThat(e.imageHits()).as("image hits of %s's image", d).hasSize(10);
            assertThat(e.imageHits())
                    .as("an image query is searched in its routed expert's space: %s", e.imageHits())
                    .containsOnly(d);
        }

        assertThat(outcome.prometheus())
                .as("Debian's prometheus is installed (the README's test command installs it)")
                .isNotNull();
        assertThat(outcome.prometheus().ok())
                .as(outcome.prometheus().describe())
                .isTrue();

        assertThat(outcome.page()).as("the page in headless Chromium").isNotNull();
        assertThat(outcome.page().runs())
                .as("the Operations tab lists the two runs")
                .isEqualTo(2);
        assertThat(outcome.page().versions()).as("and the promoted versions").isEqualTo(champion);
        assertThat(outcome.page().ops()).isNotEmptyFile();
        assertThat(outcome.page().search()).isNotEmptyFile();
    }
}
