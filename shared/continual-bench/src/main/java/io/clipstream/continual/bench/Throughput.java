package io.clipstream.continual.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.continual.train.ContrastiveLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput with fixed shapes, what {@code torch_reference.py} measures too: LoRA training steps (forward, symmetric
 * InfoNCE, backward, AdamW on adapter + logit scale) on a batch of random pixels and real tokenised captions, and
 * no-grad image embedding. The model must have its adapter attached and trainable.
 */
public final class Throughput {
    private Throughput() {}

    public record Numbers(double trainSamplesPerSec, double embedImagesPerSec, int batch, int steps) {}

    public static Numbers measure(ClipModel model, List<String> captions, int batch, int steps, int embedBatch) {
        int s = model.config().vision().imageSize();
        Optimizer opt =
                Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-4f)).build();
        Map<String, NDArray> params = new LinkedHashMap<>();
        model.trainableParameters().forEach((k, p) -> params.put(k, p.getArray()));
        try (NDManager m = model.manager().newSubManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray px = m.randomNormal(0, 1, new Shape(batch, 3, s, s), DataType.FLOAT32);
            TokenBatch tok = model.tokenize(captions.subList(0, batch));
            NDArray ids = tok.idsArray(m);
            NDArray mask = tok.maskArray(m);
            long t0 = 0;
            int warm = Math.max(2, steps / 5);
            for (int i = 0; i < warm + steps; i++) {
                if (i == warm) {
                    t0 = System.nanoTime();
                }
                try (NDManager step = m.newSubManager()) {
                    // per-step copies so that every intermediate array is freed with the step
                    NDArray spx = px.duplicate();
                    NDArray sids = ids.duplicate();
                    NDArray smask = mask.duplicate();
                    spx.attach(step);
                    sids.attach(step);
                    smask.attach(step);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = ContrastiveLoss.symmetric(model.forward(spx, sids, smask, true), null);
                        gc.backward(loss);
                        loss.attach(step);
                    }
                    for (Map.Entry<String, NDArray> e : params.entrySet()) {
                        NDArray g = e.getValue().getGradient();
                        g.attach(step);
                        opt.update(e.getKey(), e.getValue(), g);
                    }
                }
            }
            double train = steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
            NDArray epx = m.randomNormal(0, 1, new Shape(embedBatch, 3, s, s), DataType.FLOAT32);
            int reps = Math.max(3, steps / 2);
            long t1 = 0;
            for (int i = 0; i < reps + 2; i++) {
                if (i == 2) {
                    t1 = System.nanoTime();
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray in = epx.duplicate();
                    in.attach(step);
                    model.embedImages(in).getFloat(0, 0);
                }
            }
            double embed = reps * (double) embedBatch / ((System.nanoTime() - t1) / 1e9);
            return new Numbers(train, embed, batch, steps);
        }
    }
}
