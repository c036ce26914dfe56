package io.clipstream.continual.bench;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.precision.Precision;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same LoRA increment (same base, data, seed and settings) trained in each of several precisions: training
 * speed, final loss, zero-shot accuracy on the domain's test set, and the loss scaler's state at the end. On a CPU
 * fp16 arithmetic is slower than fp32; the comparison there is about correctness.
 */
public final class PrecisionComparison {
    private PrecisionComparison() {}

    public record Row(
            Precision precision,
            int steps,
            double samplesPerSecond,
            double finalLoss,
            double zeroShot,
            int skippedSteps,
            double lossScale) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision.label());
            m.put("steps", steps);
            m.put("train_samples_per_s", samplesPerSecond);
            m.put("final_loss", finalLoss);
            m.put("zero_shot", zeroShot);
            m.put("skipped_steps", skippedSteps);
            m.put("loss_scale", lossScale);
            return m;
        }
    }

    /**
     * @param trainer a trainer set up for the domain (captions, augmentations); its precision is set for each run
     */
    public static List<Row> run(
            List<Precision> precisions,
            Path baseDir,
            LoraConfig lora,
            IncrementTrainer trainer,
            Evaluator evaluator,
            String domain,
            List<Sample> train,
            List<Sample> val,
            List<Sample> test,
            TrainConfig cfg,
            List<String> domainIndex)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Precision p : precisions) {
            try (ClipModel model = ClipModel.load(baseDir)) {
                ClipModels.adapterTraining(model, cfg.seed(), lora);
                IncrementTrainer.Result r = trainer.precision(p)
                        .train(model, Map.of(domain, train), null, Map.of(domain, val), null, cfg, domainIndex);
                rows.add(new Row(
                        p,
                        r.steps(),
                        r.samplesPerSecond(),
                        r.epochLoss().getLast(),
                        evaluator.zeroShotAccuracy(model, domain, test),
                        r.skippedSteps(),
                        r.lossScale()));
            } finally {
                trainer.precision(Precision.FP32);
            }
        }
        return rows;
    }

    public static String table(String title, List<Row> rows) {
        StringBuilder out = new StringBuilder(title)
                .append("\n\n| precision | steps | train samples/s | final loss | zero-shot (%) | skipped steps | "
                        + "loss scale |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            out.append(String.format(
                    "| %s | %d | %.1f | %.4f | %.1f | %d | %.0f |%n",
                    r.precision(),
                    r.steps(),
                    r.samplesPerSecond(),
                    r.finalLoss(),
                    100 * r.zeroShot(),
                    r.skippedSteps(),
                    r.lossScale()));
        }
        return out.toString();
    }

    static List<Map<String, Object>> json(List<Row> rows) {
        return rows.stream().map(Row::json).toList();
    }
}
