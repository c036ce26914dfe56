package io.clipstream.continual.model;

import ai.djl.nn.Parameter;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The engine runs on {@link ClipModel} (shared/clip) directly; this class holds the few policies it adds on top:
 * which parameters train in each phase and how a frozen teacher is rebuilt from disk.
 */
public final class ClipModels {
    /**
     * Default LoRA rank / alpha: q/k/v/out of both towers, what the trainer service runs. continual-bench passes its
     * own adapter ({@link #adapterTraining(ClipModel, long, LoraConfig)}: r=8 on attention and MLP, measured there).
     */
    public static final int LORA_RANK = 4;

    public static final float LORA_ALPHA = 8f;

    private ClipModels() {}

    /** Writes a randomly initialised CLIP in HF layout (what the base training starts from). */
    public static void generate(Path dir, TinyClipSpec spec) throws IOException {
        GenerateTinyClip.generate(dir, spec);
    }

    public static LoraConfig loraConfig() {
        return LoraConfig.attention(LORA_RANK, LORA_ALPHA);
    }

    /** Base training: every base parameter, logit scale included, trains. */
    public static void fullTraining(ClipModel model) {
        model.setBaseTrainable(true);
    }

    /**
     * Increment training: base frozen; attaches a fresh adapter (B = 0) unless one is attached; the logit scale
     * trains with the adapter and is saved in it.
     */
    public static void adapterTraining(ClipModel model, long seed) {
        adapterTraining(model, seed, loraConfig());
    }

    /** {@link #adapterTraining(ClipModel, long)} with the adapter to attach when none is (one loaded keeps its own). */
    public static void adapterTraining(ClipModel model, long seed, LoraConfig lora) {
        if (!model.lora().isActive()) {
            model.addAdapter(lora, seed);
        } else {
            model.setBaseTrainable(false);
        }
        model.setLogitScaleTrainable(true);
    }

    /**
     * A frozen copy of a promoted model rebuilt from what was published: the HF base directory plus (optionally)
     * the PEFT adapter directory, merged. Nothing in it requires gradients.
     */
    public static ClipModel loadFrozen(Path modelDir, Path adapterDirOrNull) throws IOException {
        ClipModel m = ClipModel.load(modelDir);
        try {
            if (adapterDirOrNull != null) {
                m.loadAdapter(adapterDirOrNull);
                m.lora().merge();
                m.lora().parameters().values().forEach(p -> p.freeze(true));
            }
            m.setBaseTrainable(false);
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public static long parameterCount(ClipModel model) {
        return model.baseParameters().values().stream()
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    public static long adapterParameterCount(ClipModel model) {
        return model.lora().parameters().values().stream()
                .map(Parameter::getArray)
                .mapToLong(a -> a.size())
                .sum();
    }
}
