package io.clipstream.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FashionMnistTest {
    @Test
    void readsTheDebianTestSplit() throws Exception {
        Assumptions.assumeTrue(
                FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist not installed");
        List<FashionMnist.Sample> s = FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 200);
        assertThat(s).hasSize(200);
        assertThat(s).allSatisfy(x -> assertThat(x.pixels()).hasSize(28 * 28));
        assertThat(s.stream().map(FashionMnist.Sample::label).distinct().count())
                .isEqualTo(10);
        // t10k's first label is 9 (ankle boot) in the published files
        assertThat(s.getFirst().className()).isEqualTo("ankle boot");
    }

    @Test
    void pngRoundTripKeepsPixels() throws Exception {
        byte[] px = new byte[28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(GreyImages.toPng(px, 28, 28)));
        assertThat(back.getWidth()).isEqualTo(28);
        assertThat(back.getRaster().getSample(5, 3, 0)).isEqualTo(px[3 * 28 + 5] & 0xff);
    }

    @Test
    void captionsAreDeterministicAndVaried() {
        String a = CaptionTemplates.caption(CaptionTemplates.DEFAULT, "coat", 17);
        assertThat(CaptionTemplates.caption(CaptionTemplates.DEFAULT, "coat", 17))
                .isEqualTo(a)
                .contains("coat");
        long distinct = java.util.stream.LongStream.range(0, 100)
                .mapToObj(i -> CaptionTemplates.caption(CaptionTemplates.DEFAULT, "coat", i))
                .distinct()
                .count();
        assertThat(distinct).isEqualTo(CaptionTemplates.DEFAULT.size());
    }
}
