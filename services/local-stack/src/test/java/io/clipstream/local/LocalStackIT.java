package io.clipstream.local;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop end to end, as the README's demo runs it with smaller sizes: embedded broker and S3 server; the
 * curator, gateway, trainer and embedding-refresh jars as separate JVMs; pairs of two domains (inverted, sketch) pushed over HTTP, each
 * domain's arrival triggering a run that is promoted and re-indexed, so that the index answers with the new version;
 * then a harmful domain (captions shuffled across images) that the gate rejects while the index stays on the
 * champion. Bad pairs in the first domain end rejected with their reasons, and every curated pair is searchable.
 * Before the stages, pairs with hostile or foreign domains (through the gateway and straight to pairs.raw) end
 * refused, rejected or in their producer's default domain, and training goes on after them.
 */
class LocalStackIT {
    private static final int PER_DOMAIN = 500;

    @Test
    void domainsPushedThroughTheGatewayEndAsPromotedVersionsTheIndexServesAndAHarmfulDomainIsRejected() throws Exception {
        Assumptions.assumeTrue(FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist not installed");
        BaseCheckpoint.Recipe base = LocalStack.Options.defaults().base(); // the demo's base, cached in .clipstream/base
        List<DomainLoop.Stage> stages = new ArrayList<>(LocalStack.stages(List.of("inverted", "sketch", "inverted-mislabelled"), base.images(),
                PER_DOMAIN));
        List<DemoPair> first = new ArrayList<>(stages.getFirst().pairs());
        DemoPair one = first.getFirst();
        first.add(new DemoPair("copy-of-first", "inverted", "another caption for the same bytes", one.image()));
        first.add(new DemoPair("one-pixel", "inverted", "a photo of a tiny dot", GreyImages.toPng(new byte[]{(byte) 200}, 1, 1)));
        first.add(new DemoPair("no-caption", "inverted", "  \u0007 ", first.get(1).image()));
        first.add(new DemoPair("blank", "inverted", "a photo of nothing at all", GreyImages.toPng(new byte[28 * 28], 28, 28)));
        stages.set(0, new DomainLoop.Stage("inverted", first));

        Path root = Path.of("../..").toAbsolutePath().normalize();
        LocalStack.Options options = new LocalStack.Options(base, "a picture of a trouser.", 3, false,
                Duration.ofMinutes(4), Map.of("clipstream.trainer.trigger.count", Integer.toString(PER_DOMAIN)), true,
                Path.of("services/local-stack/target/screenshots"));
        LocalStack.Outcome outcome = LocalStack.run(root, stages, options);

        assertThat(outcome.isComplete()).as("curated + rejected = pushed, no pair in both").isTrue();
        // hostile domains through the gateway and straight to pairs.raw, before the stages: each refused with its
        // reason or curated into its producer's default domain (and the stages after them run on their merits, below)
        assertThat(outcome.domains().ok()).as(outcome.domains().describe()).isTrue();
        assertThat(outcome.domains().cases()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(outcome.rejected().get("copy-of-first")).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(outcome.rejected().get("one-pixel")).contains(ReasonCode.IMAGE_TOO_SMALL);
        assertThat(outcome.rejected().get("no-caption")).contains(ReasonCode.TEXT_EMPTY);
        assertThat(outcome.rejected().get("blank")).contains(ReasonCode.IMAGE_BLURRY);
        assertThat(outcome.curated()).contains(one.pairId());
        assertThat(outcome.searchable()).as("every curated pair is in the search index").isEqualTo(outcome.curated().size());
        assertThat(outcome.freshness().missed()).as("each probe pair pushed after the loop is found by its own image").isZero();

        List<DomainLoop.StageResult> s = outcome.stages();
        // the first domain is learnt far beyond the noise (inverted: ~11 % -> 45-60 % zero-shot): promoted and served
        TrainingRun firstRun = s.get(0).run();
        assertThat(firstRun).as("inverted ends a run").isNotNull();
        assertThat(firstRun.state()).as("inverted: " + firstRun.reasons()).isEqualTo(TrainingRun.State.PROMOTED);
        assertThat(firstRun.version()).isEqualTo(1);
        assertThat(firstRun.pairsPerDomain()).containsKey("inverted");
        assertThat(s.get(0).swap()).as("the index of v1 swapped in").isNotNull();
        assertThat(s.get(0).query().version()).as("the query is answered by the new version").isEqualTo(1);
        assertThat(s.get(0).query().hits()).hasSize(10);
        // the second ends its run either way: whether sketch costs inverted more than 5 points varies between runs
        // (issue 11); the index follows the gate's decision
        TrainingRun second = s.get(1).run();
        assertThat(second).as("sketch ends a run").isNotNull();
        assertThat(second.state()).as("sketch: " + second.reasons()).isIn(TrainingRun.State.PROMOTED, TrainingRun.State.REJECTED);
        int champion = second.state() == TrainingRun.State.PROMOTED ? 2 : 1;
        assertThat(s.get(1).swap() != null).isEqualTo(champion == 2);
        assertThat(s.get(1).query().version()).isEqualTo(champion);
        TrainingRun harmful = s.get(2).run();
        assertThat(harmful).isNotNull();
        assertThat(harmful.state()).as("the harmful domain: " + harmful.metrics()).isEqualTo(TrainingRun.State.REJECTED);
        assertThat(harmful.reasons()).isNotEmpty();
        assertThat(s.get(2).swap()).isNull();
        assertThat(s.get(2).query().version()).as("the index stays on the champion").isEqualTo(champion);
        assertThat(outcome.liveVersion()).isEqualTo(champion);
        // the rejected runs' training pairs wait in the quarantine, not lost
        assertThat(outcome.quarantined()).as("quarantined by domain").containsKey("inverted-mislabelled");
        assertThat(outcome.quarantined().get("inverted-mislabelled")).isBetween(1, PER_DOMAIN);
        assertThat(outcome.quarantined().containsKey("sketch")).as("sketch is quarantined exactly when its run was rejected")
                .isEqualTo(champion == 1);

        assertThat(outcome.prometheus()).as("Debian's prometheus is installed (the README's test command installs it)").isNotNull();
        assertThat(outcome.prometheus().ok()).as(outcome.prometheus().describe()).isTrue();

        assertThat(outcome.page()).as("the page in headless Chromium").isNotNull();
        assertThat(outcome.page().runs()).as("the Operations tab lists the three runs").isEqualTo(3);
        assertThat(outcome.page().versions()).as("and the promoted versions").isEqualTo(champion);
        assertThat(outcome.page().ops()).isNotEmptyFile();
        assertThat(outcome.page().search()).isNotEmptyFile();
    }
}
