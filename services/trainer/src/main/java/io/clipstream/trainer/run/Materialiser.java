package io.clipstream.trainer.run;

import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.contracts.SkipReason;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.Parallel;
import io.clipstream.trainer.ledger.PairRef;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Turns pair references into engine samples: the image bytes from object storage (cached locally by sha256, so a
 * replayed or retried pair is downloaded once), decoded and scaled down so that its short side is at most
 * {@code maxSide}. A pair whose object is missing or does not decode is skipped with a reason, and the run goes on.
 */
public final class Materialiser {
    private final ObjectStore store;
    private final Path cache;
    private final int maxSide;
    private final Map<String, List<String>> classes;
    private final DecodedImages decoded;
    private final LongAdder fromMemory = new LongAdder();
    private final LongAdder fromDisk = new LongAdder();
    private final LongAdder fromStorage = new LongAdder();
    private static final int PARALLEL_FETCHES = 8;

    public Materialiser(ObjectStore store, Path cache, int maxSide, Map<String, List<String>> classes) {
        this(store, cache, maxSide, classes, 0);
    }

    /** @param decodedBudgetBytes decoded images kept in memory between runs, at most (0: none) */
    public Materialiser(
            ObjectStore store, Path cache, int maxSide, Map<String, List<String>> classes, long decodedBudgetBytes) {
        this.store = store;
        this.cache = cache;
        this.maxSide = maxSide;
        this.classes = classes;
        this.decoded = new DecodedImages(decodedBudgetBytes);
    }

    /**
     * Where the images that {@link #load} read came from, counted since this materialiser began ({@link #prefetch} is
     * not counted).
     */
    public record Sources(long memory, long disk, long storage) {
        public Sources since(Sources earlier) {
            return new Sources(memory - earlier.memory, disk - earlier.disk, storage - earlier.storage);
        }

        @Override
        public String toString() {
            return memory + " decoded in memory, " + disk + " read from the local cache, " + storage
                    + " fetched from storage";
        }
    }

    public Sources sources() {
        return new Sources(fromMemory.sum(), fromDisk.sum(), fromStorage.sum());
    }

    public List<Sample> load(List<PairRef> refs, Consumer<TrainingRun.SkippedPair> skipped) throws IOException {
        // fetched and decoded PARALLEL_FETCHES at a time: decoding thousands of cached images is most of a run's
        // materialisation once the cache is warm
        List<Loaded> loaded = Parallel.map(refs, PARALLEL_FETCHES, r -> load(r, true));
        List<Sample> out = new ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            Loaded l = loaded.get(i);
            if (l.sample() != null) {
                out.add(l.sample());
            } else {
                skipped.accept(new TrainingRun.SkippedPair(
                        refs.get(i).sha256(), refs.get(i).pairId(), l.skipReason()));
            }
        }
        return out;
    }

    /**
     * Downloads into the local cache the images of up to {@code max} of {@code refs} that it does not hold yet,
     * without decoding them: what waits for a run is fetched while it waits, and the run reads local files. A pair
     * whose object is missing is left for the run to skip with its reason.
     *
     * @return how many images were downloaded
     */
    public int prefetch(List<PairRef> refs, int max) throws IOException {
        List<PairRef> missing =
                refs.stream().filter(r -> !Files.exists(cached(r))).limit(max).toList();
        int fetched = Parallel.map(
                        missing, PARALLEL_FETCHES, r -> bytes(r, false).isPresent() ? 1 : 0)
                .stream()
                .mapToInt(Integer::intValue)
                .sum();
        // and decoded too, while the decoded images fit in their budget
        List<PairRef> undecoded = refs.stream()
                .filter(r -> decoded.get(r.sha256()) == null && Files.exists(cached(r)))
                .limit(decoded.hasRoom() ? max : 0)
                .toList();
        Parallel.map(undecoded, PARALLEL_FETCHES, r -> load(r, false));
        return fetched;
    }

    private Path cached(PairRef r) {
        return cache.resolve(r.sha256().substring(0, 2)).resolve(r.sha256());
    }

    /** A pair as a sample, or why it could not be one. */
    private record Loaded(Sample sample, String skipReason) {}

    /** @param counted whether {@link #sources} counts where the image came from (a run's loads, not a prefetch) */
    private Loaded load(PairRef r, boolean counted) throws IOException {
        PixelImage known = decoded.get(r.sha256());
        if (known != null) {
            if (counted) {
                fromMemory.increment();
            }
            return new Loaded(sample(r, known), null);
        }
        Optional<byte[]> bytes = bytes(r, counted);
        if (bytes.isEmpty()) {
            return new Loaded(null, SkipReason.OBJECT_MISSING);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes.get()));
        } catch (IOException | RuntimeException e) {
            img = null;
        }
        if (img == null) {
            return new Loaded(null, SkipReason.IMAGE_UNREADABLE);
        }
        PixelImage pixels = PixelImage.of(scaled(img, maxSide));
        decoded.put(r.sha256(), pixels);
        return new Loaded(sample(r, pixels), null);
    }

    private Sample sample(PairRef r, PixelImage pixels) {
        return new Sample(
                r.sha256(),
                pixels,
                r.caption(),
                r.domain(),
                ClassLabels.find(r.caption(), classes.getOrDefault(r.domain(), List.of())));
    }

    /** Decoded images by sha256, least recently used first out, within a byte budget; safe from many threads. */
    static final class DecodedImages {
        private final long budget;
        private long used;
        private final java.util.LinkedHashMap<String, PixelImage> images =
                new java.util.LinkedHashMap<>(16, 0.75f, true);

        DecodedImages(long budget) {
            this.budget = budget;
        }

        synchronized PixelImage get(String sha256) {
            return images.get(sha256);
        }

        synchronized boolean hasRoom() {
            return used < budget;
        }

        synchronized void put(String sha256, PixelImage image) {
            long size = bytes(image);
            if (size > budget) {
                return;
            }
            PixelImage old = images.put(sha256, image);
            if (old != null) {
                used -= bytes(old);
            }
            used += size;
            var eldest = images.entrySet().iterator();
            while (used > budget && eldest.hasNext()) {
                used -= bytes(eldest.next().getValue());
                eldest.remove();
            }
        }

        private static long bytes(PixelImage p) {
            return 4L * p.values().length + 64;
        }
    }

    private Optional<byte[]> bytes(PairRef r, boolean counted) throws IOException {
        Path local = cached(r);
        if (Files.exists(local)) {
            if (counted) {
                fromDisk.increment();
            }
            return Optional.of(Files.readAllBytes(local));
        }
        if (counted) {
            fromStorage.increment();
        }
        Optional<byte[]> b = store.get(r.imageKey());
        if (b.isPresent()) {
            Files.createDirectories(local.getParent());
            Path tmp = local.resolveSibling(
                    r.sha256() + "." + Thread.currentThread().threadId() + ".tmp"); // one per fetching thread
            Files.write(tmp, b.get());
            Files.move(tmp, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return b;
    }

    /** Bilinear down-scaling to short side {@code maxSide} (never up); the model's preprocessing does the rest. */
    static BufferedImage scaled(BufferedImage img, int maxSide) {
        int w = img.getWidth();
        int h = img.getHeight();
        int shortSide = Math.min(w, h);
        if (maxSide <= 0 || shortSide <= maxSide) {
            return img;
        }
        double f = (double) maxSide / shortSide;
        int nw = Math.max(1, (int) Math.round(w * f));
        int nh = Math.max(1, (int) Math.round(h * f));
        boolean grey = img.getRaster().getNumBands() == 1 && img.getColorModel().getNumComponents() == 1;
        BufferedImage out = new BufferedImage(nw, nh, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, nw, nh, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Class labels of curated pairs, which carry captions, not labels. */
    static final class ClassLabels {
        private ClassLabels() {}

        /**
         * The one declared class the caption names (as whole words, case-insensitive); null when it names none or
         * several, so that zero-shot accuracy is measured only on pairs whose class is unambiguous.
         */
        static String find(String caption, List<String> classNames) {
            String text = " " + caption.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ") + " ";
            String found = null;
            for (String c : classNames) {
                String name = " "
                        + c.toLowerCase(Locale.ROOT)
                                .replaceAll("[^\\p{L}\\p{N}]+", " ")
                                .trim() + " ";
                if (text.contains(name)) {
                    if (found != null && !found.equals(c)) {
                        return null;
                    }
                    found = c;
                }
            }
            return found;
        }
    }
}
