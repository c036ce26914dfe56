package io.clipstream.continual.bench.domains;

import io.clipstream.clip.preprocess.BicubicResize;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A user's domain, read from a folder: images of any size and of any format the JDK decodes (PNG, JPEG, BMP, GIF,
 * WBMP, TIFF), and a {@code manifest.csv} whose header names the columns {@code file} (relative to the folder) and
 * {@code class} (the image's class, for zero-shot evaluation), optionally {@code caption} (default "a photo of a
 * &lt;class&gt;."); other columns are ignored, fields may be double-quoted (RFC 4180). The domain's id is the folder's
 * name. Each image is scaled so that its shorter side is {@code side} pixels and centre-cropped to a square, what
 * CLIP's preprocessing would do with it, so that a folder of large photos does not fill the heap.
 */
public record FolderDomain(String id, Path dir, List<Entry> entries) {
    public static final String MANIFEST = "manifest.csv";

    /** One manifest line. */
    public record Entry(int line, String file, String className, String caption) {}

    /** Reads and checks the manifest (every named file exists); images are decoded by {@link #samples}. */
    public static FolderDomain read(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(
                    dir + " is not a domain folder: it has no " + MANIFEST + " (columns file, class[, caption])");
        }
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(manifest + " is empty: it needs a header with file and class");
        }
        List<String> header = fields(lines.get(0), manifest, 1).stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .toList();
        int file = header.indexOf("file");
        int cls = header.indexOf("class");
        int caption = header.indexOf("caption");
        if (file < 0 || cls < 0) {
            throw new IllegalArgumentException(
                    manifest + ": the header must name the columns file and class, it has " + header);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = fields(lines.get(i), manifest, i + 1);
            if (f.size() < header.size()) {
                throw new IllegalArgumentException(
                        manifest + " line " + (i + 1) + ": " + f.size() + " fields, the header has " + header.size());
            }
            String name = f.get(file).trim();
            String className = f.get(cls).trim();
            if (name.isEmpty() || className.isEmpty()) {
                throw new IllegalArgumentException(manifest + " line " + (i + 1) + ": empty file or class");
            }
            Path p = dir.resolve(name).normalize();
            if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                throw new IllegalArgumentException(manifest + " line " + (i + 1) + ": no file " + name + " in " + dir);
            }
            String text = caption >= 0 && !f.get(caption).isBlank()
                    ? f.get(caption).trim()
                    : "a photo of a " + className + ".";
            entries.add(new Entry(i + 1, name, className, text));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(manifest + " names no image");
        }
        return new FolderDomain(dir.getFileName().toString(), dir, List.copyOf(entries));
    }

    /** The class names, in the order they first appear. */
    public List<String> classes() {
        return List.copyOf(
                new LinkedHashSet<>(entries.stream().map(Entry::className).toList()));
    }

    /** Every image, decoded and scaled to {@code side} x {@code side}, as the engine's samples of this domain. */
    public List<Sample> samples(int side) throws IOException {
        List<Sample> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            BufferedImage img = ImageIO.read(dir.resolve(e.file()).toFile());
            if (img == null) {
                throw new IllegalArgumentException(dir.resolve(MANIFEST) + " line " + e.line() + ": " + e.file()
                        + " is not an image the JDK can decode (PNG, JPEG, BMP, GIF, WBMP, TIFF)");
            }
            out.add(new Sample(id + "-" + e.file(), square(PixelImage.of(img), side), e.caption(), id, e.className()));
        }
        return out;
    }

    /** Shorter side scaled to {@code side} (bicubic, as CLIP's preprocessing), then the centre square. */
    static PixelImage square(PixelImage img, int side) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        int rw = w <= h ? side : (int) Math.round((double) side * w / h);
        int rh = w <= h ? (int) Math.round((double) side * h / w) : side;
        float[] px = new float[img.values().length];
        for (int i = 0; i < px.length; i++) {
            px[i] = img.values()[i] * 255f;
        }
        float[] r = rw == w && rh == h ? px : BicubicResize.resize(px, w, h, c, rw, rh);
        int top = (rh - side) / 2;
        int left = (rw - side) / 2;
        float[] out = new float[side * side * c];
        for (int y = 0; y < side; y++) {
            for (int i = 0; i < side * c; i++) {
                out[y * side * c + i] = Math.min(1f, Math.max(0f, r[((y + top) * rw + left) * c + i] / 255f));
            }
        }
        return new PixelImage(side, side, c, out);
    }

    /**
     * Disjoint train / validation / test sets from one folder, shuffled by {@code seed}: test takes up to a fifth
     * and at most {@code test}, validation up to a tenth and at most {@code val}, train the rest up to {@code train}.
     */
    public static List<List<Sample>> split(List<Sample> all, int train, int val, int test, long seed) {
        List<Sample> s = new ArrayList<>(all);
        java.util.Collections.shuffle(s, new Random(seed));
        int nTest = Math.min(test, s.size() / 5);
        int nVal = Math.min(val, s.size() / 10);
        int nTrain = Math.min(train, s.size() - nTest - nVal);
        if (nTest < 1 || nVal < 1 || nTrain < 1) {
            throw new IllegalArgumentException(
                    "a domain folder needs at least 10 images (train, validation and test sets), it has " + s.size());
        }
        return List.of(
                List.copyOf(s.subList(0, nTrain)),
                List.copyOf(s.subList(nTrain, nTrain + nVal)),
                List.copyOf(s.subList(nTrain + nVal, nTrain + nVal + nTest)));
    }

    /** RFC 4180 fields of one line: commas separate, double quotes enclose, "" inside quotes is a quote. */
    static List<String> fields(String line, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + " line " + lineNo + ": unclosed quote");
        }
        out.add(cur.toString());
        return out;
    }
}
