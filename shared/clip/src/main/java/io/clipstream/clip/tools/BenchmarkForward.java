package io.clipstream.clip.tools;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ContrastiveLoss;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.tokenize.TokenBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times inference (image and text encoding) and LoRA training steps (forward + backward + AdamW)
 * for a model directory.
 *
 * <pre>
 * BenchmarkForward --model DIR [--batch 32] [--iters 5] [--rank 8] [--device cpu|gpu]
 * </pre>
 */
public final class BenchmarkForward {

    private BenchmarkForward() {}

    /**
     * @param args see class doc
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = null;
        int batch = 32;
        int iters = 5;
        int rank = 8;
        Device device = Engine.getInstance().defaultDevice();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> dir = Path.of(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--iters" -> iters = Integer.parseInt(args[i + 1]);
                case "--rank" -> rank = Integer.parseInt(args[i + 1]);
                case "--device" -> device = Device.fromName(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--model is required");
        }
        try (ClipModel model = ClipModel.load(dir, device)) {
            model.setBatchSize(batch);
            int size = model.config().vision().imageSize();
            Random rnd = new Random(1);
            List<float[]> pixels = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            String[] words = {"a", "photo", "of", "the", "sneaker", "coat", "bag", "sketch", "dress"};
            for (int i = 0; i < batch; i++) {
                float[] p = new float[3 * size * size];
                for (int j = 0; j < p.length; j++) {
                    p[j] = (float) rnd.nextGaussian();
                }
                pixels.add(p);
                StringBuilder sb = new StringBuilder();
                for (int w = 0; w < 8; w++) {
                    sb.append(words[rnd.nextInt(words.length)]).append(' ');
                }
                texts.add(sb.toString());
            }
            TokenBatch tokens = model.tokenize(texts);
            System.out.printf("model %s on %s, batch %d%n", dir, model.device(), batch);
            time("encode images (no grad)", iters, () -> model.encodePixels(pixels));
            time("encode texts  (no grad)", iters, () -> model.encodeTokens(tokens));

            model.addAdapter(LoraConfig.attention(rank, 2f * rank), 1);
            Optimizer adamW = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(1e-4f))
                    .build();
            time("LoRA r=" + rank + " train step (fwd+bwd+AdamW)", iters, () -> {
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray px = model.preprocessor().toBatch(m, pixels);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = ContrastiveLoss.symmetricInfoNce(
                                model.forward(px, tokens.idsArray(m), tokens.maskArray(m), true));
                        gc.backward(loss);
                    }
                    for (Parameter p : model.trainableParameters().values()) {
                        try (NDArray g = p.getArray().getGradient()) {
                            adamW.update(p.getId(), p.getArray(), g);
                        }
                    }
                }
            });
        }
    }

    private static void time(String what, int iters, Runnable r) {
        r.run(); // warm-up (kernel selection per shape)
        r.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            r.run();
        }
        double ms = (System.nanoTime() - t0) / 1e6 / iters;
        System.out.printf("%-45s %9.1f ms/batch%n", what, ms);
    }
}
