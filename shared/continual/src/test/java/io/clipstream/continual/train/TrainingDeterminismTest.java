package io.clipstream.continual.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tensor.Constants;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.data.SyntheticSamples;
import io.clipstream.continual.model.ClipModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed, same data, same code: two trainings must give bit-identical weights, whatever the JVM's garbage
 * collector does meanwhile. The second run collects garbage continuously, so a tensor that autograd reads in the
 * backward pass from a Java direct buffer the GC has already freed (DJL's {@code mul(Number)} scalars, see
 * {@link io.clipstream.clip.ScalarOps}) shows up as a difference (before the fix: every weight differed and
 * non-finite steps were skipped).
 */
class TrainingDeterminismTest {
    @TempDir
    static Path tmp;

    static List<Sample> samples(String d, int n, long seed) {
        return SyntheticSamples.of(d, n, seed);
    }

    static Map<String, float[]> train(Path init, boolean gcPressure) throws Exception {
        return train(init, gcPressure, IncrementTrainer.StepOptions.DEFAULT);
    }

    static Map<String, float[]> train(Path init, boolean gcPressure, IncrementTrainer.StepOptions options)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread gc = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (ClipModel m = ClipModel.load(init)) {
            ClipModels.fullTraining(m);
            if (gcPressure) {
                gc.start();
            }
            new IncrementTrainer(
                            SyntheticSamples.templates(),
                            new Evaluator(SyntheticSamples.templates(), SyntheticSamples.prompts(), true),
                            true)
                    .stepOptions(options)
                    .train(
                            m,
                            Map.of("plain", samples("plain", 160, 1)),
                            null,
                            Map.of("plain", samples("plain", 40, 2)),
                            null,
                            TrainConfig.defaults()
                                    .withEpochs(3)
                                    .withBatchSize(32)
                                    .withLr(2e-3f)
                                    .withSeed(3)
                                    .withPatience(0),
                            SyntheticSamples.DOMAINS);
            Map<String, float[]> w = new LinkedHashMap<>();
            m.baseParameters().forEach((k, p) -> w.put(k, p.getArray().toFloatArray()));
            return w;
        } finally {
            stop.set(true);
            gc.join();
        }
    }

    @Test
    void twoIdenticalTrainingsGiveBitIdenticalWeights() throws Exception {
        Path init = tmp.resolve("init");
        ClipModels.generate(init, SyntheticSamples.spec(7));
        Map<String, float[]> a = train(init, false);
        Map<String, float[]> b = train(init, true);
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        List<String> differ = new ArrayList<>();
        a.forEach((k, v) -> {
            if (!java.util.Arrays.equals(v, b.get(k))) {
                differ.add(k);
            }
        });
        assertThat(differ)
                .as("parameters that differ between two identical trainings")
                .isEmpty();
    }

    /**
     * Batches prepared ahead on their own thread, cached caption tokens and cached constant tensors (scalars, the
     * causal mask) are only faster: the weights are the same bits as with each batch built on the training thread,
     * every caption tokenised anew and every constant built anew.
     */
    @Test
    void prefetchTokenCacheAndConstantCacheChangeNoWeight() throws Exception {
        Path init = tmp.resolve("init-options");
        ClipModels.generate(init, SyntheticSamples.spec(11));
        Map<String, float[]> fast = train(init, false, IncrementTrainer.StepOptions.DEFAULT);
        Map<String, float[]> plain;
        Constants.setCaching(false);
        try {
            plain = train(init, false, new IncrementTrainer.StepOptions(false, false, true));
        } finally {
            Constants.setCaching(true);
        }
        List<String> differ = new ArrayList<>();
        fast.forEach((k, v) -> {
            if (!java.util.Arrays.equals(v, plain.get(k))) {
                differ.add(k);
            }
        });
        assertThat(differ).as("parameters that differ").isEmpty();
        assertThat(fast.values().stream().mapToDouble(v -> v[0]).sum()).isFinite();
    }
}
