package io.clipstream.clip.tools;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tokenize.TokenBatch;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes this project's embeddings of fixed inputs to JSON, for comparison with Hugging Face
 * {@code CLIPModel} by {@code src/test/python/compare_with_hf.py}: the texts, their token ids and
 * masks, deterministic test images (also written as PNG next to the JSON), their preprocessed
 * pixel values, and the unit-norm text/image embeddings and {@code logit_scale.exp()}.
 *
 * <pre>
 * DumpEmbeddings --model DIR --out result.json [--adapter PEFT_DIR] [--device cpu|gpu]
 * </pre>
 */
public final class DumpEmbeddings {

    /** Fixed prompts. */
    public static final List<String> TEXTS = List.of(
            "a photo of a t-shirt/top.",
            "a sketch of an ankle boot",
            "A Rotated Picture of a Sneaker!",
            "bag",
            "",
            "a photo of a photo of a photo of a photo of a photo of a photo of a coat.");

    private DumpEmbeddings() {}

    /**
     * @param args see class doc
     * @throws IOException on IO failure
     */
    public static void main(String[] args) throws IOException {
        Path model = null;
        Path out = null;
        Path adapter = null;
        Device device = Engine.getInstance().defaultDevice();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--adapter" -> adapter = Path.of(args[i + 1]);
                case "--device" -> device = Device.fromName(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (model == null || out == null) {
            throw new IllegalArgumentException(
                    "usage: DumpEmbeddings --model DIR --out result.json [--adapter DIR] [--device cpu]");
        }
        try (ClipModel clip = ClipModel.load(model, device)) {
            if (adapter != null) {
                clip.loadAdapter(adapter);
            }
            dump(clip, adapter, out);
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /**
     * Writes {@code clip}'s embeddings of the fixed inputs to {@code out} (the images as PNG into {@code
     * dump-images} beside it).
     *
     * @param adapter the adapter loaded into {@code clip}, for the record; null for none
     */
    public static void dump(ClipModel clip, Path adapter, Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (adapter != null) {
            root.put("adapter", adapter.toAbsolutePath().toString());
        }
        root.put("model", clip.directory().toAbsolutePath().toString());
        root.put("device", clip.device().toString());
        int size = clip.config().vision().imageSize();
        List<BufferedImage> images = testImages(size);
        Path imageDir = out.toAbsolutePath().getParent().resolve("dump-images");
        Files.createDirectories(imageDir);
        ArrayNode imageFiles = root.putArray("image_files");
        List<float[]> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Path png = imageDir.resolve("image-" + i + ".png");
            ImageIO.write(images.get(i), "png", png.toFile());
            imageFiles.add(png.toString());
            pixels.add(clip.preprocessor().preprocess(images.get(i)));
        }
        TokenBatch tokens = clip.tokenize(TEXTS);
        ArrayNode texts = root.putArray("texts");
        TEXTS.forEach(texts::add);
        root.set("input_ids", matrix(json, tokens.ids()));
        root.set("attention_mask", matrix(json, tokens.attentionMask()));
        ArrayNode pv = root.putArray("pixel_values");
        for (float[] p : pixels) {
            ArrayNode row = pv.addArray();
            for (float v : p) {
                row.add(v);
            }
        }
        root.putArray("pixel_shape").add(3).add(size).add(size);
        root.set("text_embeds", matrix(json, clip.encodeTokens(tokens)));
        root.set("image_embeds", matrix(json, clip.encodePixels(pixels)));
        root.put(
                "logit_scale",
                clip.baseParameters().get("logit_scale").getArray().exp().getFloat());
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * Deterministic images of several sizes and aspect ratios (smooth patterns plus one grey).
     *
     * @param size the model's image size
     * @return images
     */
    public static List<BufferedImage> testImages(int size) {
        int[][] dims = {{size, size}, {size + 9, size + 20}, {2 * size + 3, size}, {28, 28}};
        List<BufferedImage> out = new ArrayList<>();
        for (int k = 0; k < dims.length; k++) {
            int w = dims[k][0];
            int h = dims[k][1];
            boolean grey = k == dims.length - 1;
            BufferedImage img =
                    new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = (int) (127.5 + 127.5 * Math.sin(0.37 * x + 0.11 * k));
                    int g = (int) (127.5 + 127.5 * Math.cos(0.23 * y - 0.05 * x));
                    int b = ((x * 7 + y * 13 + k * 31) % 256);
                    if (grey) {
                        int v = (r + g + b) / 3;
                        img.getRaster().setSample(x, y, 0, v);
                    } else {
                        img.setRGB(x, y, (r << 16) | (g << 8) | b);
                    }
                }
            }
            out.add(img);
        }
        return out;
    }

    private static ArrayNode matrix(ObjectMapper json, long[][] m) {
        ArrayNode a = json.createArrayNode();
        for (long[] row : m) {
            ArrayNode r = a.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        return a;
    }

    private static ArrayNode matrix(ObjectMapper json, float[][] m) {
        ArrayNode a = json.createArrayNode();
        for (float[] row : m) {
            ArrayNode r = a.addArray();
            for (float v : row) {
                r.add(v);
            }
        }
        return a;
    }
}
