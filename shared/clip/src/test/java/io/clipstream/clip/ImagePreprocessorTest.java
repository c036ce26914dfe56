package io.clipstream.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clipstream.clip.preprocess.BicubicResize;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    final ImagePreprocessor pre = new ImagePreprocessor(32);

    @Test
    void greyConstantMapsToNormalisedChannels() {
        byte[] grey = new byte[28 * 28];
        java.util.Arrays.fill(grey, (byte) 100);
        float[] out = pre.preprocessGrey(grey, 28, 28);
        assertEquals(3 * 32 * 32, out.length);
        for (int c = 0; c < 3; c++) {
            float expected = (100f / 255f - ImagePreprocessor.CLIP_MEAN[c]) / ImagePreprocessor.CLIP_STD[c];
            for (int i = 0; i < 32 * 32; i++) {
                assertEquals(expected, out[c * 1024 + i], 1e-6);
            }
        }
    }

    @Test
    void greyBufferedImageUsesRawSamples() {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] grey = new byte[28 * 28];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 7);
            img.getRaster().setSample(i % 28, i / 28, 0, grey[i] & 0xff);
        }
        assertArrayEquals(pre.preprocessGrey(grey, 28, 28), pre.preprocess(img), 0f);
    }

    @Test
    void nonSquareImagesAreResizedAndCentreCropped() {
        BufferedImage img = new BufferedImage(64, 40, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 40; y++) {
                img.setRGB(x, y, x < 32 ? 0xff0000 : 0x0000ff);
            }
        }
        float[] out = pre.preprocess(img);
        assertEquals(3 * 32 * 32, out.length);
        // resized to 51x32, crop columns 9..40: left part red, right part blue
        float red = (1f - ImagePreprocessor.CLIP_MEAN[0]) / ImagePreprocessor.CLIP_STD[0];
        assertEquals(red, out[16 * 32], 1e-6);
        float blue = (1f - ImagePreprocessor.CLIP_MEAN[2]) / ImagePreprocessor.CLIP_STD[2];
        assertEquals(blue, out[2 * 1024 + 16 * 32 + 31], 1e-6);
    }

    @Test
    void bicubicKeepsConstantsAndIdentity() {
        float[] c = new float[10 * 7];
        java.util.Arrays.fill(c, 77f);
        for (float v : BicubicResize.resize(c, 10, 7, 1, 23, 5)) {
            assertEquals(77f, v);
        }
        float[] ramp = new float[8 * 8];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i * 3 % 256;
        }
        assertArrayEquals(ramp, BicubicResize.resize(ramp, 8, 8, 1, 8, 8), 0f);
    }
}
