package io.clipstream.continual.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.continual.bench.domains.FolderDomain;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own domains: two folders (images of mixed sizes and formats, a manifest with captions and classes), run
 * through the whole benchmark with two seeds, without Fashion-MNIST.
 */
class FolderBenchTest {
    private static final List<String> CLASSES = List.of("kite", "moon", "boat");

    /** A bar whose height on the image encodes the class; the night domain is dark on light. */
    private static void folder(Path dir, boolean night, int n) throws Exception {
        Files.createDirectories(dir);
        StringBuilder manifest = new StringBuilder("file,class,caption\n");
        for (int i = 0; i < n; i++) {
            int cls = i % CLASSES.size();
            int w = 28 + 6 * (i % 4);
            int h = 28 + 4 * (i % 3);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(night ? Color.WHITE : Color.BLACK);
            g.fillRect(0, 0, w, h);
            g.setColor(night ? Color.DARK_GRAY : Color.YELLOW);
            g.fillRect(0, (cls * h) / 3, w, h / 4);
            g.dispose();
            String file = "img" + i + (i % 2 == 0 ? ".png" : ".jpg");
            ImageIO.write(img, i % 2 == 0 ? "png" : "jpg", dir.resolve(file).toFile());
            manifest.append(file)
                    .append(',')
                    .append(CLASSES.get(cls))
                    .append(",\"a ")
                    .append(night ? "dark" : "bright")
                    .append(" picture, of a ")
                    .append(CLASSES.get(cls))
                    .append(".\"\n");
        }
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), manifest);
    }

    @Test
    void benchRunsAUsersFolderDomainsInTheGivenOrderWithSeedIntervals(@TempDir Path tmp) throws Exception {
        folder(tmp.resolve("day"), false, 90);
        folder(tmp.resolve("night"), true, 90);
        BenchOptions o = BenchOptions.parse(new String[] {
            "--quick",
            "--work",
            tmp.resolve("work").toString(),
            "--domains",
            tmp.resolve("day") + "," + tmp.resolve("night"),
            "--strategies",
            "no-update,naive,guarded",
            "--seeds",
            "2",
            "--train",
            "60",
            "--val",
            "9",
            "--test",
            "18",
            "--base-epochs",
            "3",
            "--epochs",
            "1",
            "--no-torch"
        });
        ContinualBench.run(o);
        JsonNode json = new ObjectMapper().readTree(o.jsonOut.toFile());
        assertThat(json.get("domains")).extracting(JsonNode::asText).containsExactly("day", "night");
        assertThat(json.get("set_sizes").get("test").get("night").asInt()).isEqualTo(18);
        assertThat(json.get("set_sizes").get("val").get("day").asInt()).isEqualTo(9);
        assertThat(json.get("seeds")).hasSize(2);
        JsonNode guarded = json.get("strategies").get("guarded");
        assertThat(guarded.get("per_seed")).hasSize(2);
        assertThat(guarded.get("increments")).hasSize(1);
        JsonNode acc = guarded.get("intervals").get("acc");
        assertThat(acc.get("seeds").asInt()).isEqualTo(2);
        assertThat(acc.get("half_width_95").isNumber()).isTrue();
        // the interval is the seeds' own: mean of the two ACCs
        double a0 = guarded.get("per_seed").get(0).get("acc").asDouble();
        double a1 = guarded.get("per_seed").get(1).get("acc").asDouble();
        assertThat(acc.get("mean").asDouble()).isCloseTo((a0 + a1) / 2, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(json.get("strategies").get("no-update").get("gains").get(0).asDouble())
                .isZero();
    }
}
