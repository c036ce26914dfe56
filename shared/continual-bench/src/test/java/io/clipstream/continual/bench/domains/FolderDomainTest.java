package io.clipstream.continual.bench.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.continual.data.Sample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDomainTest {
    @TempDir
    Path tmp;

    /**
     * A white rectangle on black filling the left half: where it ends up shows how the image was scaled and cropped.
     */
    private static BufferedImage leftHalfWhite(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w / 2, h);
        g.dispose();
        return img;
    }

    @Test
    void readsImagesOfMixedSizesAndFormatsWithTheirCaptionsAndClasses() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("my-shop"));
        ImageIO.write(
                leftHalfWhite(40, 30, BufferedImage.TYPE_INT_RGB),
                "png",
                dir.resolve("a.png").toFile());
        ImageIO.write(
                leftHalfWhite(100, 60, BufferedImage.TYPE_INT_RGB),
                "jpg",
                dir.resolve("b.jpg").toFile());
        ImageIO.write(
                leftHalfWhite(28, 28, BufferedImage.TYPE_BYTE_GRAY),
                "bmp",
                dir.resolve("c.bmp").toFile());
        Files.createDirectories(dir.resolve("sub"));
        ImageIO.write(
                leftHalfWhite(64, 128, BufferedImage.TYPE_BYTE_INDEXED),
                "gif",
                dir.resolve("sub/d.gif").toFile());
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), """
                file,class,caption,notes
                a.png,bag,"a red bag, on a table",x
                b.jpg,sneaker,,
                c.bmp,bag,"the ""grey"" bag",
                sub/d.gif,coat,a coat.,
                """);
        FolderDomain d = FolderDomain.read(dir);
        assertThat(d.id()).isEqualTo("my-shop");
        assertThat(d.classes()).containsExactly("bag", "sneaker", "coat");
        List<Sample> s = d.samples(28);
        assertThat(s).hasSize(4).allSatisfy(x -> {
            assertThat(x.image().width()).isEqualTo(28);
            assertThat(x.image().height()).isEqualTo(28);
            assertThat(x.domain()).isEqualTo("my-shop");
        });
        assertThat(s)
                .extracting(Sample::caption)
                .containsExactly("a red bag, on a table", "a photo of a sneaker.", "the \"grey\" bag", "a coat.");
        assertThat(s).extracting(Sample::label).containsExactly("bag", "sneaker", "bag", "coat");
        assertThat(s.get(2).image().channels()).isEqualTo(1);
        assertThat(s.get(0).image().channels()).isEqualTo(3);
        // 100x60, shorter side scaled to 28 (47x28) and the centre square kept: white on the left, black on the right
        Sample wide = s.get(1);
        assertThat(wide.image().at(1, 14, 0)).isGreaterThan(0.8f);
        assertThat(wide.image().at(26, 14, 0)).isLessThan(0.2f);
        // 64x128, tall: the whole width is kept, so the white half is exactly the left half
        Sample tall = s.get(3);
        assertThat(tall.image().at(6, 3, 0)).isGreaterThan(0.8f);
        assertThat(tall.image().at(21, 24, 0)).isLessThan(0.2f);
        List<List<Sample>> parts = FolderDomain.split(
                java.util.Collections.nCopies(5, s).stream()
                        .flatMap(List::stream)
                        .map(x -> new Sample(x.id() + Math.random(), x.image(), x.caption(), x.domain(), x.label()))
                        .toList(),
                100,
                100,
                100,
                1);
        assertThat(parts.get(0)).hasSize(14);
        assertThat(parts.get(1)).hasSize(2);
        assertThat(parts.get(2)).hasSize(4);
    }

    @Test
    void aBadFolderGetsAnErrorThatSaysWhatIsWrongAndWhere() throws Exception {
        Path none = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> FolderDomain.read(none)).hasMessageContaining("has no manifest.csv");
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), "file,caption\nx.png,a\n");
        assertThatThrownBy(() -> FolderDomain.read(dir)).hasMessageContaining("must name the columns file and class");
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), "file,class\nmissing.png,bag\n");
        assertThatThrownBy(() -> FolderDomain.read(dir)).hasMessageContaining("line 2: no file missing.png");
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), "file,class\n../outside.png,bag\n");
        Files.writeString(tmp.resolve("outside.png"), "x");
        assertThatThrownBy(() -> FolderDomain.read(dir)).hasMessageContaining("no file ../outside.png");
        Files.writeString(dir.resolve("text.png"), "not an image");
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), "file,class\ntext.png,bag\n");
        FolderDomain d = FolderDomain.read(dir);
        assertThatThrownBy(() -> d.samples(28)).hasMessageContaining("line 2: text.png is not an image");
        Files.writeString(dir.resolve(FolderDomain.MANIFEST), "file,class\n\"text.png,bag\n");
        assertThatThrownBy(() -> FolderDomain.read(dir)).hasMessageContaining("unclosed quote");
    }
}
