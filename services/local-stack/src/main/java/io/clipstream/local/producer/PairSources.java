package io.clipstream.local.producer;

import io.clipstream.continual.bench.domains.FashionStream;
import io.clipstream.datasets.CaptionTemplates;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.datasets.GreyImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Where demo pairs come from: a Fashion-MNIST slice, or a folder of image + caption files. */
public final class PairSources {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "webp");

    private PairSources() {}

    /**
     * The first {@code count} training images of Fashion-MNIST as PNG, captioned from the class name
     * with several templates. Pair ids are derived from the sample index, so pushing twice submits the
     * same pairs (and the curator refuses the second copy as duplicates).
     */
    public static List<DemoPair> fashionMnist(Path dir, int count, String domain) throws IOException {
        List<FashionMnist.Sample> samples = FashionMnist.read(dir, FashionMnist.Split.TRAIN, count);
        List<DemoPair> pairs = new ArrayList<>(samples.size());
        for (FashionMnist.Sample s : samples) {
            String caption = CaptionTemplates.caption(CaptionTemplates.DEFAULT, s.className(), s.index());
            pairs.add(new DemoPair(
                    "fmnist-train-" + s.index(),
                    domain,
                    caption,
                    GreyImages.toPng(s.pixels(), FashionMnist.SIDE, FashionMnist.SIDE)));
        }
        return pairs;
    }

    /**
     * Training images {@code [from, from + count)} of Fashion-MNIST turned into a benchmark domain (original,
     * inverted, rotated, sketch, or one of them with {@code -mislabelled}: captions shuffled across its images), with a
     * training caption each ({@link FashionStream}). Disjoint slices give each domain images of its own.
     */
    public static List<DemoPair> fashionDomain(Path dir, String domain, int from, int count) throws IOException {
        List<FashionMnist.Sample> samples = FashionMnist.read(dir, FashionMnist.Split.TRAIN, from + count);
        if (samples.size() < from + count) {
            throw new IOException("Fashion-MNIST has " + samples.size() + " training images, not " + (from + count));
        }
        List<DemoPair> out = new ArrayList<>(count);
        for (FashionStream.Pair p : FashionStream.pairs(samples.subList(from, from + count), domain)) {
            out.add(new DemoPair(p.id(), p.domain(), p.caption(), p.png()));
        }
        return out;
    }

    /**
     * The class a {@link #fashionDomain} pair's image shows, by pair id ({@code <domain>-<training image index>}),
     * whatever its caption says (a mislabelled domain's captions name other classes); null for other pair ids.
     */
    public static java.util.function.Function<String, String> fashionClasses(Path dir) throws IOException {
        List<FashionMnist.Sample> all = FashionMnist.read(dir, FashionMnist.Split.TRAIN, 0);
        java.util.regex.Pattern id = java.util.regex.Pattern.compile("[a-z]+(?:-[a-z]+)*-(\\d{1,6})");
        return pairId -> {
            java.util.regex.Matcher m = id.matcher(pairId);
            if (!m.matches()) {
                return null;
            }
            int i = Integer.parseInt(m.group(1));
            return i < all.size() && all.get(i).index() == i ? all.get(i).className() : null;
        };
    }

    /**
     * Every image in the folder whose caption sits beside it in a {@code .txt} file of the same base
     * name ({@code cat.jpg} + {@code cat.txt}, the img2dataset/WebDataset convention). Images without a
     * caption are reported, not skipped silently.
     */
    public static List<DemoPair> folder(Path dir, String domain) throws IOException {
        List<DemoPair> pairs = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path image : files.sorted().filter(PairSources::isImage).toList()) {
                String name = image.getFileName().toString();
                String base = name.substring(0, name.lastIndexOf('.'));
                Path caption = image.resolveSibling(base + ".txt");
                if (!Files.isReadable(caption)) {
                    missing.add(image);
                    continue;
                }
                pairs.add(new DemoPair(
                        base,
                        domain,
                        Files.readString(caption, StandardCharsets.UTF_8).strip(),
                        Files.readAllBytes(image)));
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(
                    missing.size() + " image(s) have no caption file beside them, e.g. " + missing.getFirst());
        }
        return pairs;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
