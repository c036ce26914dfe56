package io.clipstream.continual.train;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.continual.augment.ImageAugmenter;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.sampling.ReplayMixer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The host side of a training run's steps, in order: draw the batch (replay mixed in), augment, caption, tokenise,
 * convert to CLIP pixel floats, class groups and domain ids. Everything but the tensors, so that with
 * {@code background} it runs on a thread of its own a few batches ahead of the step that consumes them, and the
 * Java work overlaps the engine's. One thread draws from the one {@link Random} in the same order either way, so
 * the batches are the same with and without it.
 */
final class TrainingBatches implements AutoCloseable {
    /** How many prepared batches may wait for the training step. */
    private static final int AHEAD = 3;

    /**
     * One step's inputs.
     *
     * @param distillRows the first rows the distillation is computed on (all of them under {@link DistillScope#BATCH})
     */
    record Prepared(int size, List<float[]> pixels, TokenBatch tokens, int[] groups, int[] domains, int distillRows) {}

    private record Failure(Throwable error) {}

    private final ReplayMixer<String, Sample> mixer;
    private final Predicate<Sample> isReplay;
    private final Function<String, ImageAugmenter> aug;
    private final Captioner captioner;
    private final ClipModel model;
    private final TokenCache tokens;
    private final Random rnd;
    private final int batchSize;
    private final boolean distillReplayOnly;
    private final List<String> domainIndex;
    private final int total;
    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private int produced;

    TrainingBatches(
            ReplayMixer<String, Sample> mixer,
            Predicate<Sample> isReplay,
            Function<String, ImageAugmenter> aug,
            Captioner captioner,
            ClipModel model,
            TokenCache tokens,
            Random rnd,
            int batchSize,
            boolean distillReplayOnly,
            List<String> domainIndex,
            int total,
            boolean background) {
        this.mixer = mixer;
        this.isReplay = isReplay;
        this.aug = aug;
        this.captioner = captioner;
        this.model = model;
        this.tokens = tokens;
        this.rnd = rnd;
        this.batchSize = batchSize;
        this.distillReplayOnly = distillReplayOnly;
        this.domainIndex = domainIndex;
        this.total = total;
        if (background) {
            queue = new ArrayBlockingQueue<>(AHEAD);
            worker = Thread.ofPlatform().daemon().name("training-batches").start(this::produceAll);
        } else {
            queue = null;
            worker = null;
        }
    }

    /** The next step's batch (at most {@code total} of them). */
    Prepared next() {
        if (queue == null) {
            return prepare();
        }
        try {
            Object o = queue.take();
            if (o instanceof Failure f) {
                if (f.error() instanceof RuntimeException re) {
                    throw re;
                }
                if (f.error() instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f.error());
            }
            return (Prepared) o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a training batch", e);
        }
    }

    private void produceAll() {
        try {
            while (produced < total) {
                queue.put(prepare());
            }
        } catch (InterruptedException e) {
            // closed: the run ended (early stop, failure) before every batch was used
        } catch (Throwable t) {
            try {
                queue.put(new Failure(t));
            } catch (InterruptedException ignored) {
                // closed meanwhile
            }
        }
    }

    private Prepared prepare() {
        produced++;
        List<Sample> batch = mixer.nextBatch(batchSize);
        int distillRows = distillReplayOnly ? IncrementTrainer.replayFirst(batch, isReplay) : batch.size();
        List<PixelImage> imgs = new ArrayList<>(batch.size());
        List<String> caps = new ArrayList<>(batch.size());
        int[] groups = new int[batch.size()];
        int[] doms = new int[batch.size()];
        Map<String, Integer> labelIds = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Sample x = batch.get(i);
            imgs.add(aug.apply(x.domain()).apply(x.image(), rnd));
            caps.add(captioner.caption(x, rnd));
            groups[i] = group(x, i, labelIds);
            doms[i] = Math.max(0, domainIndex.indexOf(x.domain()));
        }
        TokenBatch tok = tokens != null ? tokens.tokenize(caps) : model.tokenize(caps);
        return new Prepared(batch.size(), PixelBatch.toChw(model.preprocessor(), imgs), tok, groups, doms, distillRows);
    }

    /** Same label = same group (class-aware positives); unlabelled pairs are each their own group. */
    private static int group(Sample x, int row, Map<String, Integer> labelIds) {
        return x.label() == null ? -1 - row : labelIds.computeIfAbsent(x.label(), k -> labelIds.size());
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
