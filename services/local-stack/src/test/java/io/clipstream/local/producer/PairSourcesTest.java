package io.clipstream.local.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairSourcesTest {
    @Test
    void folderPairsEachImageWithTheCaptionBesideIt(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("cat.JPG"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("cat.txt"), "  a cat on a mat\n");
        Files.write(dir.resolve("bike.png"), new byte[] {4});
        Files.writeString(dir.resolve("bike.txt"), "a red bicycle");
        Files.writeString(dir.resolve("notes.md"), "not a pair");

        List<DemoPair> pairs = PairSources.folder(dir, "photos");

        assertThat(pairs).extracting(DemoPair::pairId).containsExactly("bike", "cat");
        assertThat(pairs.get(1).text()).isEqualTo("a cat on a mat");
        assertThat(pairs.get(1).image()).containsExactly(1, 2, 3);
        assertThat(pairs).allSatisfy(p -> assertThat(p.domain()).isEqualTo("photos"));
    }

    @Test
    void anImageWithoutCaptionIsReportedNotSkipped(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("lonely.png"), new byte[] {1});
        assertThatThrownBy(() -> PairSources.folder(dir, "photos"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lonely.png");
    }

    @Test
    void aDomainSliceHasImagesOfItsOwnAndAMislabelledOneCaptionsOfOtherClasses() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                io.clipstream.datasets.FashionMnist.isAvailable(io.clipstream.datasets.FashionMnist.defaultDir()),
                "dataset-fashion-mnist not installed");
        Path dir = io.clipstream.datasets.FashionMnist.defaultDir();
        List<DemoPair> rotated = PairSources.fashionDomain(dir, "rotated", 100, 50);
        List<DemoPair> mislabelled = PairSources.fashionDomain(dir, "rotated-mislabelled", 100, 50);
        var classOf = PairSources.fashionClasses(dir);

        assertThat(rotated)
                .extracting(DemoPair::pairId)
                .startsWith("rotated-100")
                .endsWith("rotated-149");
        assertThat(rotated).allSatisfy(p -> assertThat(p.text()).contains(classOf.apply(p.pairId())));
        assertThat(mislabelled)
                .extracting(DemoPair::image)
                .containsExactlyElementsOf(rotated.stream().map(DemoPair::image).toList());
        long named = mislabelled.stream()
                .filter(p -> p.text().contains(" " + classOf.apply(p.pairId())))
                .count();
        assertThat(named).as("shuffled captions rarely name the image's class").isLessThan(15);
        assertThat(classOf.apply("freshness-probe-3-1a2b")).isNull();
        assertThat(classOf.apply("one-pixel")).isNull();
    }
}
