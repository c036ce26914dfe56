package io.clipstream.continual.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.clip.ClipModel;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.data.SyntheticSamples;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateConfig;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.DistillScope;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.registry.ExpertSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine on shared/clip end to end, on synthetic 28x28 grey and RGB images (a bright bar whose row encodes the
 * class):
 * base training through the engine's trainer, HF save + reload, guarded increments that publish PEFT versions, and
 * teachers rebuilt from the published files.
 */
class ContinualLearnerTest {
    @TempDir
    static Path tmp;

    static Path baseDir;
    static IncrementTrainer.Result baseResult;

    static List<Sample> samples(String d, int n, long seed) {
        return SyntheticSamples.of(d, n, seed);
    }

    static Evaluator evaluator() {
        return new Evaluator(SyntheticSamples.templates(), SyntheticSamples.prompts(), true);
    }

    static IncrementTrainer trainer() {
        return new IncrementTrainer(SyntheticSamples.templates(), evaluator(), true);
    }

    static ContinualLearner learner(ClipModel m, Strategy s, int epochs, EvaluationGate gate, Path versions) {
        return new ContinualLearner(
                m,
                s,
                config(epochs),
                trainer(),
                evaluator(),
                gate,
                "plain",
                new ReplayBuffer<>(50, new Random(11)),
                11,
                new LocalVersions(versions, s.mergeFresh(), 11));
    }

    static TrainConfig config(int epochs) {
        return TrainConfig.defaults()
                .withEpochs(epochs)
                .withBatchSize(32)
                .withLr(2e-3f)
                .withSeed(3)
                .withPatience(0);
    }

    @BeforeAll
    static void trainBase() throws Exception {
        Path init = tmp.resolve("init");
        ClipModels.generate(init, SyntheticSamples.spec(7));
        baseDir = tmp.resolve("base");
        try (ClipModel m = ClipModel.load(init)) {
            ClipModels.fullTraining(m);
            assertThat(m.trainableParameters())
                    .containsKey("logit_scale")
                    .hasSize(m.baseParameters().size());
            baseResult = trainer()
                    .log(System.out::println)
                    .train(
                            m,
                            Map.of("plain", samples("plain", 320, 1)),
                            null,
                            Map.of("plain", samples("plain", 40, 2)),
                            null,
                            config(10),
                            SyntheticSamples.DOMAINS);
            m.save(baseDir);
        }
    }

    @Test
    void generatedVocabularyCoversEveryCaptionAndPrompt() throws Exception {
        try (ClipModel m = ClipModel.load(baseDir)) {
            List<String> texts = new ArrayList<>();
            texts.addAll(SyntheticSamples.texts());
            for (String c : SyntheticSamples.CLASSES) {
                texts.addAll(SyntheticSamples.prompts().prompts(c, "plain"));
            }
            for (String t : texts) {
                assertThat(m.tokenizer().tokens(t)).as(t).doesNotContain("<|unk|>");
            }
            assertThat(m.tokenize(texts).length()).isEqualTo(16);
        }
    }

    @Test
    void baseTrainingLearnsAndTheSavedCheckpointReloads() throws Exception {
        List<Double> loss = baseResult.epochLoss();
        assertThat(loss.get(loss.size() - 1)).isLessThan(loss.get(0) * 0.95);
        assertThat(baseResult.bestValR1()).isGreaterThan(0.3); // chance is 0.1
        try (ClipModel m = ClipModel.load(baseDir)) {
            assertThat(m.trainableParameters()).isEmpty(); // loads frozen
            double acc = evaluator().zeroShotAccuracy(m, "plain", samples("plain", 40, 9));
            assertThat(acc).isGreaterThan(0.2); // chance is 0.1
        }
    }

    @ParameterizedTest
    @EnumSource(DistillScope.class)
    void guardedIncrementPublishesAPeftVersionAndTheTeacherIsRebuiltFromIt(DistillScope scope) throws Exception {
        Strategy s = new Strategy("t", 0.5, 1f, 0.01f, true, List.of(0.5f), false, false, 0, scope);
        Map<String, List<Sample>> anchors =
                Map.of("plain", samples("plain", 30, 5), "inverted", samples("inverted", 30, 6));
        Path versions = tmp.resolve("guarded-" + scope.id());
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot", "r1_mean")));
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, s, 2, permissive, versions)) {
            assertThat(m.trainableParameters()).containsKey("logit_scale").hasSize(1 + 2 * 4 * 2 * 2);
            l.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            ContinualLearner.IncrementReport r = l.increment("inverted", samples("inverted", 96, 4), anchors);
            assertThat(r.promoted()).isTrue();
            Path v = r.versionDir();
            assertThat(v).isEqualTo(versions.resolve("1-inverted")).isEqualTo(l.promotedAdapterDir());
            for (String f :
                    List.of("adapter_config.json", "adapter_model.safetensors", "metrics.json", "MANIFEST.json")) {
                assertThat(v.resolve(f)).exists();
            }
            assertThat(Files.readString(v.resolve("MANIFEST.json"))).contains("adapter_model.safetensors");
            assertThat(m.lora().squaredDistance(zeroB(m), m.manager()).getFloat())
                    .isPositive(); // it trained
            // the teacher of the next increment = base + published adapter, merged: same function as the live model
            List<PixelImage> imgs =
                    samples("inverted", 8, 8).stream().map(Sample::image).toList();
            Evaluator ev = evaluator();
            try (ClipModel teacher = ClipModels.loadFrozen(baseDir, v)) {
                assertThat(teacher.trainableParameters()).isEmpty();
                assertClose(ev.embedImages(teacher, imgs), ev.embedImages(m, imgs));
                assertClose(
                        ev.embedTexts(teacher, List.of("a inverted picture of a moon.")),
                        ev.embedTexts(m, List.of("a inverted picture of a moon.")));
            }
        }
    }

    /** The protocol: no decision (gate, WiSE-FT's choice, early stopping) may read a future domain or test data. */
    @Test
    void decisionsRefuseAnchorsOfAFutureDomainAndSealedTestSamples() throws Exception {
        Map<String, List<Sample>> base = Map.of("plain", samples("plain", 30, 5));
        List<Sample> test = samples("inverted", 20, 21);
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot")));
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, Strategy.guarded(), 1, permissive, tmp.resolve("protocol"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.registerBase(
                            samples("plain", 64, 1),
                            Map.of("plain", base.get("plain"), "inverted", samples("inverted", 30, 6))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("inverted")
                    .hasMessageContaining("future domain");
            l.sealTestSet(test);
            l.registerBase(samples("plain", 64, 1), base);
            // tinted arrives after inverted: its anchors may not rank inverted's candidates
            Map<String, List<Sample>> withFuture = new java.util.LinkedHashMap<>(base);
            withFuture.put("inverted", samples("inverted", 30, 6));
            withFuture.put("tinted", samples("tinted", 30, 7));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> l.increment("inverted", samples("inverted", 64, 4), withFuture))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tinted");
            Map<String, List<Sample>> withTest = new java.util.LinkedHashMap<>(base);
            withTest.put("inverted", test);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> l.increment("inverted", samples("inverted", 64, 4), withTest))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("test sample " + test.get(0).id());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.increment("inverted", test, base))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("training data of inverted");
            // what has arrived is accepted; the new domain's baseline is measured when it arrives
            Map<String, List<Sample>> arrived = new java.util.LinkedHashMap<>(base);
            arrived.put("inverted", samples("inverted", 30, 6));
            ContinualLearner.IncrementReport r = l.increment("inverted", samples("inverted", 64, 4), arrived);
            assertThat(r.baseline()).containsKeys("plain", "inverted").doesNotContainKey("tinted");
            assertThat(r.candidateAnchors()).containsOnlyKeys("plain", "inverted");
        }
    }

    /** A WiSE-FT mix that its new domain rejects is not embedded on the other domains' anchors. */
    @Test
    void aMixTheNewDomainRejectsIsNotMeasuredOnTheOtherDomains() throws Exception {
        Map<String, List<Sample>> anchors = new java.util.LinkedHashMap<>();
        anchors.put("plain", samples("plain", 30, 5));
        anchors.put("inverted", samples("inverted", 30, 6));
        // no increment can gain 100 points: the candidate and every mix fail on the new domain
        EvaluationGate unreachable = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot"), 0, 100));
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, Strategy.guarded(), 1, unreachable, tmp.resolve("wise-early"))) {
            l.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            ContinualLearner.IncrementReport r = l.increment("inverted", samples("inverted", 64, 4), anchors);
            assertThat(r.promoted()).isFalse();
            assertThat(r.decision().reasons()).anyMatch(x -> x.contains("new domain inverted gained"));
            assertThat(r.candidateAnchors()).containsOnlyKeys("plain", "inverted");
            assertThat(r.wiseTried())
                    .hasSize(Strategy.guarded().wiseAlphas().size())
                    .allMatch(
                            t -> t.contains("REJECTED on inverted (1 of 2 domains measured)"),
                            "measured on inverted only");
        }
    }

    @Test
    void resumeMeasuresOnlyTheDomainsWhoseBaselineIsNotKnownAndMatchesAFullMeasurement() throws Exception {
        Map<String, List<Sample>> anchors = new java.util.LinkedHashMap<>();
        anchors.put("plain", samples("plain", 30, 5));
        anchors.put("inverted", samples("inverted", 30, 6));
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot")));
        Evaluator.Measured full;
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, Strategy.guarded(), 1, permissive, tmp.resolve("resume-full"))) {
            l.resume(List.of("inverted"), anchors, null);
            full = l.promotedMeasured();
        }
        // a value no measurement gives: it can only come from what the caller knew
        Map<String, Double> known = new java.util.LinkedHashMap<>(full.metrics().get("plain"));
        known.put("zero_shot", 0.123);
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, Strategy.guarded(), 1, permissive, tmp.resolve("resume-known"))) {
            Map<String, Map<String, Double>> baseline = l.resume(
                    List.of("inverted"),
                    anchors,
                    null,
                    new Evaluator.Measured(
                            Map.of("plain", known),
                            Map.of("plain", full.zeroShotHits().get("plain"))));
            assertThat(baseline.get("plain")).containsEntry("zero_shot", 0.123);
            assertThat(baseline.get("inverted")).isEqualTo(full.metrics().get("inverted"));
            assertThat(l.promotedMeasured().zeroShotHits().get("inverted"))
                    .isEqualTo(full.zeroShotHits().get("inverted"));
        }
    }

    @Test
    void mergeFreshPublishesAMergedCheckpointAndStartsAFreshAdapter() throws Exception {
        Strategy s = new Strategy("mf", 0.5, 1f, 0.01f, true, List.of(0.5f), true, false, 0);
        Map<String, List<Sample>> anchors =
                Map.of("plain", samples("plain", 30, 5), "tinted", samples("tinted", 30, 6));
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot", "r1_mean")));
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, s, 1, permissive, tmp.resolve("mf"))) {
            l.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            ContinualLearner.IncrementReport r = l.increment("tinted", samples("tinted", 64, 4), anchors);
            assertThat(r.promoted()).isTrue();
            assertThat(l.promotedModelDir()).isEqualTo(r.versionDir().resolve("merged"));
            assertThat(l.promotedAdapterDir()).isNull();
            assertThat(m.lora().squaredDistance(zeroB(m), m.manager()).getFloat())
                    .isZero(); // fresh adapter: B = 0
            List<PixelImage> imgs =
                    samples("tinted", 8, 8).stream().map(Sample::image).toList();
            Evaluator ev = evaluator();
            try (ClipModel teacher = ClipModels.loadFrozen(l.promotedModelDir(), null)) {
                assertClose(ev.embedImages(teacher, imgs), ev.embedImages(m, imgs));
            }
        }
    }

    /**
     * Routed: the new domain gets an adapter of its own and the router learns it; the base domain's images are embedded
     * by the base model exactly (its adapter is never trained), and the version carries its router.
     */
    @Test
    void routedIncrementAddsAnAdapterForTheNewDomainAndLeavesTheBaseDomainsUntouched() throws Exception {
        Map<String, List<Sample>> anchors =
                Map.of("plain", samples("plain", 30, 5), "inverted", samples("inverted", 30, 6));
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot", "r1_mean")));
        List<PixelImage> plain =
                samples("plain", 20, 8).stream().map(Sample::image).toList();
        List<PixelImage> inverted =
                samples("inverted", 20, 9).stream().map(Sample::image).toList();
        Evaluator ev = evaluator();
        float[][] before;
        try (ClipModel base = ClipModel.load(baseDir)) {
            before = ev.embedImages(base, plain);
        }
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = learner(m, Strategy.routedExperts(), 2, permissive, tmp.resolve("routed"))) {
            l.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            assertThat(l.embedder().dimension()).isEqualTo(m.dimension());
            ContinualLearner.IncrementReport r = l.increment("inverted", samples("inverted", 96, 4), anchors);
            assertThat(r.promoted()).isTrue();
            // PEFT's multi-adapter layout: the new domain's expert in a folder of its own; the base domain has none
            assertThat(r.versionDir().resolve("experts/inverted/adapter_model.safetensors"))
                    .exists();
            assertThat(r.versionDir().resolve("experts/inverted/adapter_config.json"))
                    .exists();
            assertThat(r.versionDir().resolve("adapter_model.safetensors")).doesNotExist();
            ExpertSet set = ExpertSet.read(r.versionDir());
            assertThat(set.expertOfDomain()).containsEntry("plain", null).containsEntry("inverted", "inverted");
            assertThat(set.experts().get("inverted").version()).isEqualTo(1);
            assertThat(set.experts().get("inverted").pairs()).isEqualTo(96);
            set.requireMatches(
                    io.clipstream.registry.VersionManifest.parse(
                            Files.readAllBytes(r.versionDir().resolve("MANIFEST.json"))),
                    "v1");
            assertThat(l.router().domains()).containsExactly("plain", "inverted");
            io.clipstream.continual.routing.RoutedEmbedder routed =
                    (io.clipstream.continual.routing.RoutedEmbedder) l.embedder();
            assertThat(routed.dimension()).isEqualTo(2 * m.dimension());
            assertThat(routed.routes(io.clipstream.continual.train.PixelBatch.toChw(m.preprocessor(), plain)))
                    .containsOnly("plain");
            assertThat(routed.routes(io.clipstream.continual.train.PixelBatch.toChw(m.preprocessor(), inverted)))
                    .containsOnly("inverted");
            float[][] after = ev.embedImages(routed, plain);
            for (int i = 0; i < plain.size(); i++) {
                float[] block = java.util.Arrays.copyOfRange(after[i], 0, m.dimension());
                for (int j = 0; j < block.length; j++) {
                    assertThat(Math.abs(block[j] - before[i][j])).isLessThan(1e-5f);
                }
                for (int j = m.dimension(); j < after[i].length; j++) {
                    assertThat(after[i][j]).isZero();
                }
            }
            // a text is every adapter's embedding, each scaled by 1/sqrt(2): unit norm, and an image's dot product with
            // it is its own adapter's cosine similarity / sqrt(2)
            float[] text = ev.embedTexts(routed, List.of("a photo of a moon."))[0];
            double norm = 0;
            for (float x : text) {
                norm += x * x;
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(text.length).isEqualTo(2 * m.dimension());
        }
    }

    /**
     * A routed learner resumed from a published version (its routing.json and the experts it names) embeds exactly as
     * the
     * learner that published it, starts from the same promoted metrics, and gives the next new domain a stage of its
     * own.
     */
    @Test
    void aRoutedLearnerResumedFromItsVersionEmbedsAsThePublisherDidAndLearnsANewDomain() throws Exception {
        Map<String, List<Sample>> anchors =
                Map.of("plain", samples("plain", 30, 5), "inverted", samples("inverted", 30, 6));
        EvaluationGate permissive = new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot", "r1_mean")));
        List<PixelImage> images = new ArrayList<>();
        samples("plain", 10, 8).forEach(x -> images.add(x.image()));
        samples("inverted", 10, 9).forEach(x -> images.add(x.image()));
        Evaluator ev = evaluator();
        Path versions = tmp.resolve("routed-resume");
        float[][] published;
        float[][] publishedText;
        Map<String, Map<String, Double>> publishedMetrics;
        Path versionDir;
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner a = learner(m, Strategy.routedExperts(), 2, permissive, versions)) {
            a.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            ContinualLearner.IncrementReport r = a.increment("inverted", samples("inverted", 96, 4), anchors);
            assertThat(r.promoted()).isTrue();
            versionDir = r.versionDir();
            published = ev.embedImages(a.embedder(), images);
            publishedText = ev.embedTexts(a.embedder(), List.of("a photo of a moon.", "an image of a star."));
            publishedMetrics = a.promotedMeasured().metrics();
        }

        // the version served as the embedding refresh serves it: each image routed as the gate routed it, and embedded
        // by its expert exactly as the gate's embedder weighted it (an image the router is sure of is its expert's)
        ExpertSet served = ExpertSet.read(versionDir);
        Map<String, Path> adapterOf = new java.util.LinkedHashMap<>();
        served.expertOfDomain()
                .forEach((d, e) -> adapterOf.put(d, e == null ? null : versionDir.resolve(ExpertSet.folder(e))));
        try (io.clipstream.clip.routing.ExpertEncoder encoder = io.clipstream.clip.routing.ExpertEncoder.open(
                        baseDir,
                        io.clipstream.clip.routing.DomainRouter.restore(served.router()),
                        adapterOf,
                        ai.djl.Device.cpu(),
                        "v1",
                        16);
                ClipModel m = ClipModel.load(baseDir)) {
            List<float[]> chw = io.clipstream.continual.train.PixelBatch.toChw(m.preprocessor(), images);
            List<io.clipstream.clip.routing.ExpertEncoder.Routed> routed = encoder.encodePixels(chw);
            for (int i = 0; i < images.size(); i++) {
                String expected = i < 10 ? "plain" : "inverted";
                assertThat(routed.get(i).domain()).as("image %d", i).isEqualTo(expected);
                int block = i < 10 ? 0 : 1;
                for (int j = 0; j < m.dimension(); j++) {
                    assertThat(Math.abs(routed.get(i).embedding()[j] - published[i][block * m.dimension() + j]))
                            .isLessThan(1e-4f);
                }
            }
            // a text by an expert is the gate's block of it, unscaled (the gate's text is every block / sqrt(2))
            float[][] inverted = encoder.encodeTexts(List.of("a photo of a moon."), List.of("inverted"))
                    .get("inverted");
            for (int j = 0; j < m.dimension(); j++) {
                assertThat(Math.abs(inverted[0][j] - publishedText[0][m.dimension() + j] * (float) Math.sqrt(2)))
                        .isLessThan(1e-4f);
            }
        }

        // the reservoirs the publisher's replay buffer held, as the trainer restores them
        ReplayBuffer<String, Sample> replay = new ReplayBuffer<>(50, new Random(11));
        replay.offerAll("plain", samples("plain", 64, 1));
        replay.offerAll("inverted", samples("inverted", 96, 4));
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner b = new ContinualLearner(
                        m,
                        Strategy.routedExperts(),
                        config(2),
                        trainer(),
                        evaluator(),
                        permissive,
                        "plain",
                        replay,
                        11,
                        new LocalVersions(tmp.resolve("routed-resume-next"), false, 11))) {
            Map<String, Map<String, Double>> baseline =
                    b.resumeRouted(versionDir, List.of(), anchors, new Evaluator.Measured(Map.of(), Map.of()));
            assertThat(b.router().domains()).containsExactly("plain", "inverted");
            float[][] resumed = ev.embedImages(b.embedder(), images);
            float[][] resumedText = ev.embedTexts(b.embedder(), List.of("a photo of a moon.", "an image of a star."));
            for (int i = 0; i < images.size(); i++) {
                for (int j = 0; j < published[i].length; j++) {
                    assertThat(Math.abs(resumed[i][j] - published[i][j])).isLessThan(1e-4f);
                }
            }
            for (int i = 0; i < publishedText.length; i++) {
                for (int j = 0; j < publishedText[i].length; j++) {
                    assertThat(Math.abs(resumedText[i][j] - publishedText[i][j]))
                            .isLessThan(1e-4f);
                }
            }
            for (String d : List.of("plain", "inverted")) {
                assertThat(baseline.get(d).get("zero_shot"))
                        .as(d)
                        .isCloseTo(publishedMetrics.get(d).get("zero_shot"), org.assertj.core.data.Offset.offset(1e-9));
            }

            Map<String, List<Sample>> withTinted = new java.util.LinkedHashMap<>(anchors);
            withTinted.put("tinted", samples("tinted", 30, 7));
            ContinualLearner.IncrementReport next = b.increment("tinted", samples("tinted", 96, 10), withTinted);
            assertThat(next.promoted()).isTrue();
            assertThat(b.router().domains()).containsExactly("plain", "inverted", "tinted");
            assertThat(b.router().priorShifts())
                    .containsEntry(
                            "inverted",
                            secondStagePriorShift(ExpertSet.read(versionDir).router()));
            // the next version holds every expert: the earlier one carried over with its lineage, the new one its own
            ExpertSet next2 = ExpertSet.read(next.versionDir());
            assertThat(next2.experts().keySet()).containsExactlyInAnyOrder("inverted", "tinted");
            assertThat(next2.experts().get("inverted"))
                    .isEqualTo(ExpertSet.read(versionDir).experts().get("inverted"));
        }
    }

    /**
     * A routed run of two domains decides each on its own: a good domain gets its expert and is promoted, a domain
     * whose
     * captions name the wrong class is rejected without holding the good one back, and the version holds the good
     * expert only. A domain that comes back refines its own expert (the router is fitted again around it).
     */
    @Test
    void aRoutedRunPromotesTheGoodDomainAndRejectsTheHarmfulOneOnItsOwn() throws Exception {
        Map<String, List<Sample>> anchors = new java.util.LinkedHashMap<>();
        anchors.put("plain", samples("plain", 30, 5));
        anchors.put("inverted", samples("inverted", 30, 6));
        anchors.put("tinted", samples("tinted", 30, 7));
        // a new domain must gain 5 points: one whose captions name the wrong class learns nothing (or worse)
        EvaluationGate gate = new EvaluationGate(new GateConfig(5, 5, 0, List.of("zero_shot"), 0, 5));
        List<Sample> mislabelled = samples("tinted", 96, 10).stream()
                .map(x -> new Sample(
                        x.id(),
                        x.image(),
                        x.caption(),
                        x.domain(),
                        SyntheticSamples.CLASSES.get(
                                (SyntheticSamples.CLASSES.indexOf(x.label()) + 3) % SyntheticSamples.CLASSES.size())))
                .toList();
        Map<String, List<Sample>> run = new java.util.LinkedHashMap<>();
        run.put("inverted", samples("inverted", 96, 4));
        run.put("tinted", mislabelled);
        try (ClipModel m = ClipModel.load(baseDir);
                ContinualLearner l = new ContinualLearner(
                                m,
                                Strategy.routedExperts(),
                                config(10).withLr(1e-2f),
                                trainer(),
                                evaluator(),
                                gate,
                                "plain",
                                new ReplayBuffer<>(50, new Random(11)),
                                11,
                                new LocalVersions(tmp.resolve("routed-each"), false, 11))
                        .log(System.out::println)) {
            l.registerBase(samples("plain", 64, 1), Map.of("plain", anchors.get("plain")));
            List<ContinualLearner.IncrementReport> reports = l.incrementEach(run, anchors);
            assertThat(reports).extracting(r -> r.domains().getFirst()).containsExactly("inverted", "tinted");
            assertThat(reports.get(0).promoted())
                    .as("inverted: %s", reports.get(0).decision().reasons())
                    .isTrue();
            assertThat(reports.get(1).promoted())
                    .as("tinted: %s", reports.get(1).decision().checks())
                    .isFalse();
            assertThat(reports.get(1).decision().reasons()).anyMatch(r -> r.contains("tinted"));
            assertThat(l.router().domains()).containsExactly("plain", "inverted");
            assertThat(l.promotedExperts().set().experts().keySet()).containsExactly("inverted");

            ExpertSet before = ExpertSet.read(reports.get(0).versionDir());
            ContinualLearner.IncrementReport again = l.incrementEach(
                            Map.of("inverted", samples("inverted", 96, 12)), anchors)
                    .getFirst();
            if (again.promoted()) {
                ExpertSet after = ExpertSet.read(again.versionDir());
                assertThat(after.experts().get("inverted").adapterSha256())
                        .isNotEqualTo(before.experts().get("inverted").adapterSha256());
                assertThat(after.experts().get("inverted").version()).isEqualTo(2);
                assertThat(l.router().domains()).containsExactly("plain", "inverted");
            } else {
                assertThat(l.promotedExperts().set().experts().get("inverted"))
                        .isEqualTo(before.experts().get("inverted"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static double secondStagePriorShift(Map<String, Object> router) {
        List<Map<String, Object>> stages = (List<Map<String, Object>>) router.get("stages");
        return ((Number) stages.get(1).get("prior_shift")).doubleValue();
    }

    /** The live adapter with every lora_B zeroed (distance to it = sum ||B||^2). */
    private static Map<String, ai.djl.ndarray.NDArray> zeroB(ClipModel m) {
        Map<String, ai.djl.ndarray.NDArray> ref =
                new java.util.LinkedHashMap<>(m.lora().copyWeights(m.manager()));
        ref.replaceAll((k, v) -> k.contains("lora_B") ? v.zerosLike() : v);
        return ref;
    }

    private static void assertClose(float[][] a, float[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                assertThat(Math.abs(a[i][j] - b[i][j])).isLessThan(1e-4f);
            }
        }
    }
}
