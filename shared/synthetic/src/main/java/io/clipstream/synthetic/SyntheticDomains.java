package io.clipstream.synthetic;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.ClassPrompts;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Learnable pairs of four domains as RGB PNGs: a bright bar whose row encodes one of ten classes, on faint noise.
 * "plain" grey bars (the base domain), "dim" low-contrast bars on grey, "tinted" coloured bars, and "shuffled": plain
 * images whose captions were shuffled across the set (a deliberately harmful domain). The services' integration
 * tests stream them; {@link #trainBase} makes the base checkpoint they start from.
 */
public final class SyntheticDomains {
    public static final List<String> CLASSES =
            List.of("circle", "square", "star", "heart", "moon", "cloud", "tree", "house", "boat", "bird");
    /** Where the bar lies: the second thing a caption says, so that captions rarely repeat within a batch. */
    public static final List<String> PLACES = List.of("left", "right", "middle", "wide");

    private static final int[][] SPANS = {{2, 12}, {16, 26}, {9, 19}, {2, 26}};

    public record Pair(String caption, BufferedImage image, String domain, String label) {}

    private SyntheticDomains() {}

    public static List<Pair> pairs(String domain, int n, long seed) {
        Random rnd = new Random(seed);
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rnd.nextInt(CLASSES.size());
            int place = rnd.nextInt(PLACES.size());
            out.add(new Pair(
                    caption(CLASSES.get(label), PLACES.get(place)),
                    image(domain, label, place, rnd),
                    domain,
                    CLASSES.get(label)));
        }
        if (domain.equals("shuffled")) {
            List<String> captions =
                    new ArrayList<>(out.stream().map(Pair::caption).toList());
            Collections.shuffle(captions, new Random(seed + 1));
            for (int i = 0; i < out.size(); i++) {
                out.set(
                        i,
                        new Pair(
                                captions.get(i),
                                out.get(i).image(),
                                domain,
                                out.get(i).label()));
            }
        }
        return out;
    }

    public static String caption(String className, String place) {
        return "a photo of a " + className + ", " + place + ".";
    }

    private static BufferedImage image(String domain, int label, int place, Random rnd) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean bar = y >= 2 + 2 * label && y < 4 + 2 * label && x >= SPANS[place][0] && x < SPANS[place][1];
                float v = bar ? 1f : 0.1f * rnd.nextFloat();
                int r;
                int g;
                int b;
                switch (domain) {
                    case "dim" -> r = g = b = Math.round(255 * (0.15f + 0.5f * v));
                    case "tinted" -> {
                        r = Math.round(255 * v);
                        g = Math.round(128 * v);
                        b = Math.round(255 * (0.2f + 0.8f * v));
                    }
                    default -> r = g = b = Math.round(255 * v);
                }
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every caption a test sends or a prompt uses, for the generated tokenizer's vocabulary. */
    public static List<String> texts() {
        List<String> out = new ArrayList<>();
        for (String c : CLASSES) {
            for (String p : PLACES) {
                out.add(caption(c, p));
            }
            for (String t : ClassPrompts.DEFAULT_TEMPLATES) {
                out.add(t.replace("{c}", c));
            }
        }
        return out;
    }

    /**
     * A tiny CLIP trained fully on the base domain: the base checkpoint the trainer starts from. The training is
     * deterministic (bit for bit), so it runs once per version of the code that trains it: the result is kept under
     * the temp directory, keyed by a hash of that code and of this class, and later calls (other test JVMs of the
     * same build) copy it. 20 epochs on 600 pairs were the largest share of several tests' CPU.
     *
     * @param init where the untrained checkpoint goes
     * @param base where the trained one goes
     */
    public static void trainBase(Path init, Path base) throws IOException {
        Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "clipstream-synthetic-base"));
        String key = codeKey();
        Path cached = root.resolve(key);
        // one JVM trains, the others of the build (test forks start together) wait for its result
        synchronized (SyntheticDomains.class) {
            try (FileChannel channel = FileChannel.open(
                            root.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (!Files.isRegularFile(cached.resolve("done"))) {
                    Path fresh = Files.createTempDirectory(root, "training-");
                    train(fresh.resolve("init"), fresh.resolve("base"));
                    Files.writeString(fresh.resolve("done"), "");
                    Files.move(fresh, cached, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        copyTree(cached.resolve("init"), init);
        copyTree(cached.resolve("base"), base);
    }

    /** A hash of DJL's version and the class files of the engine, the model and this class: what decides the bits. */
    private static String codeKey() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ai.djl.engine.Engine.getDjlVersion().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Class<?> c : List.of(ClipModel.class, IncrementTrainer.class, SyntheticDomains.class)) {
                Path source = Path.of(
                        c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isDirectory(source)) {
                    try (Stream<Path> walk = Files.walk(source)) {
                        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                            sha.update(Files.readAllBytes(f));
                        }
                    }
                } else {
                    sha.update(Files.readAllBytes(source));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void train(Path init, Path base) throws IOException {
        ClipModels.generate(init, new TinyClipSpec(28, 7, 3, 64, 2, 4, 256, 64, 16, "quick_gelu", 7, texts()));
        List<Sample> train = new ArrayList<>();
        int i = 0;
        for (Pair p : pairs("plain", 600, 99)) {
            train.add(new Sample("b" + i++, PixelImage.of(p.image()), p.caption(), "plain", p.label()));
        }
        List<Sample> val = new ArrayList<>();
        for (Pair p : pairs("plain", 40, 98)) {
            val.add(new Sample("v" + i++, PixelImage.of(p.image()), p.caption(), "plain", p.label()));
        }
        try (ClipModel m = ClipModel.load(init)) {
            ClipModels.fullTraining(m);
            new IncrementTrainer(Captioner.fixed(), Evaluator.forPairs(ClassPrompts.none()), false)
                    .train(
                            m,
                            Map.of("plain", train),
                            null,
                            Map.of("plain", val),
                            null,
                            TrainConfig.defaults()
                                    .withEpochs(20)
                                    .withBatchSize(32)
                                    .withLr(2e-3f)
                                    .withSeed(3)
                                    .withPatience(0),
                            List.of("plain"));
            m.save(base);
        }
    }
}
