package io.clipstream.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.precision.HalfWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A forward pass over fp16 copies of the weights gives the fp32 embeddings to fp16's precision, in fp32. */
class HalfPrecisionForwardTest {

    private static double minCosine(float[][] a, float[][] b) {
        double min = 1;
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += a[i][j] * b[i][j];
                na += a[i][j] * a[i][j];
                nb += b[i][j] * b[i][j];
            }
            min = Math.min(min, dot / Math.sqrt(na * nb));
        }
        return min;
    }

    @Test
    void halfWeightsEmbedLikeFullWeightsAndLeaveTheMastersAlone() throws Exception {
        List<float[]> pixels = TinyModels.pixels(8, 32, 5);
        try (ClipModel model = ClipModel.load(TinyModels.dir(), Device.cpu());
                NDManager owner = model.manager().newSubManager()) {
            model.addAdapter(LoraConfig.attention(4, 8f), 7);
            model.lora().randomiseB(3, 0.2f);
            float[][] texts32 = model.encodeTexts(TinyModels.CAPTIONS);
            float[][] images32 = model.encodePixels(pixels);

            HalfWeights half = model.useHalfPrecision(owner);
            float[][] texts16 = model.encodeTexts(TinyModels.CAPTIONS);
            float[][] images16 = model.encodePixels(pixels);
            model.useFullPrecision();

            assertThat(minCosine(texts32, texts16))
                    .as("text, fp16 against fp32")
                    .isGreaterThan(0.999);
            assertThat(minCosine(images32, images16))
                    .as("image, fp16 against fp32")
                    .isGreaterThan(0.999);
            assertThat(TinyModels.maxAbsDiff(texts32, texts16))
                    .as("fp16 did compute something else")
                    .isPositive();
            // the view reads fp16 copies; the parameters hold fp32, and the trainable ones have fp16 working copies
            var query = model.lora().parameters().values().iterator().next();
            assertThat(query.getArray().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(half.of(query).getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(half.hasWorkingCopy(query)).isTrue();
            assertThat(half.of(model.network().logitScale()).getDataType())
                    .as("logit scale stays fp32")
                    .isEqualTo(DataType.FLOAT32);
            assertThat(model.encodeTexts(TinyModels.CAPTIONS))
                    .as("full precision again")
                    .isDeepEqualTo(texts32);
        }
    }
}
