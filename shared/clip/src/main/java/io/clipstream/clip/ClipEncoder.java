package io.clipstream.clip;

import ai.djl.Device;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Inference with one fixed model version, safe for many threads at once: the base checkpoint with
 * the version's LoRA adapter merged into its weights (PEFT's {@code merge_and_unload}, so a query
 * pays nothing for LoRA), behind an API that cannot change it. Calls run concurrently; {@link
 * #close()} waits for the calls in flight, then frees the weights, and later calls fail with a
 * clear {@link IllegalStateException} instead of touching freed native memory.
 */
public final class ClipEncoder implements ImageTextEmbedder, ServedVersion {

    private final ClipModel model;
    private final String version;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private ClipEncoder(ClipModel model, String version) {
        this.model = model;
        this.version = version;
    }

    /**
     * @param baseDir HF checkpoint directory
     * @param adapterDir PEFT adapter directory of the version, or null for the base model itself
     * @param device where the weights live
     * @param version the label of this version, reported with every answer (e.g. {@code v3})
     * @param batchSize inference batch size
     * @return the encoder
     * @throws IOException if the checkpoint or the adapter does not load
     */
    public static ClipEncoder open(Path baseDir, Path adapterDir, Device device, String version, int batchSize)
            throws IOException {
        return open(baseDir, adapterDir, device, version, batchSize, Precision.FP32);
    }

    /** The same, embedding in fp16 when {@code precision} is {@code fp16-mixed} (the embeddings come out in fp32). */
    public static ClipEncoder open(
            Path baseDir, Path adapterDir, Device device, String version, int batchSize, Precision precision)
            throws IOException {
        ClipModel model = ClipModel.load(baseDir, device);
        try {
            model.setBatchSize(batchSize);
            if (adapterDir != null) {
                model.loadAdapter(adapterDir);
                model.lora().merge();
                model.lora().remove();
            }
            if (precision.mixed()) {
                model.serveInHalfPrecision(model.manager());
            }
            return new ClipEncoder(model, version);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** @return the version label given at {@link #open} */
    public String version() {
        return version;
    }

    @Override
    public float[][] encodeTexts(List<String> texts) {
        return call(m -> m.encodeTexts(texts));
    }

    @Override
    public float[][] encodePixels(List<float[]> chw) {
        return call(m -> m.encodePixels(chw));
    }

    /**
     * @param images any AWT images
     * @return unit-norm image embeddings [N][dimension]
     */
    public float[][] encodeImages(List<BufferedImage> images) {
        List<float[]> chw = new ArrayList<>(images.size());
        for (BufferedImage img : images) {
            chw.add(model.preprocessor().preprocess(img));
        }
        return encodePixels(chw);
    }

    @Override
    public ImagePreprocessor preprocessor() {
        return model.preprocessor();
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    /** @return the device the weights live on */
    public Device device() {
        return model.device();
    }

    /** @return the calls running now (what {@link #close()} waits for) */
    public int callsInFlight() {
        return lifecycle.getReadLockCount();
    }

    private float[][] call(Function<ClipModel, float[][]> fn) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the encoder of " + version + " is closed");
            }
            return fn.apply(model);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Waits for the calls in flight, then frees the weights; idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                model.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
