package io.clipstream.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class GuardedDecoderTest {
    private static final long MAX_BYTES = 1 << 20;
    private static final long MAX_PIXELS = 10_000_000;

    static byte[] png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w / 2, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static GuardedDecoder.Decoded decode(byte[] b) {
        return GuardedDecoder.decode(b, MAX_BYTES, MAX_PIXELS, DecodeLimits.DEFAULTS, 1000);
    }

    private static GuardedDecoder.Refusal refusal(byte[] b) {
        return decode(b) instanceof GuardedDecoder.Refused r ? r.reason() : null;
    }

    @Test
    void aPlainPngDecodesAndALargeOneIsSubsampledWithItsHeaderSizeReported() throws Exception {
        assertThat(decode(png(64, 48))).isInstanceOfSatisfying(GuardedDecoder.Image.class, i -> {
            assertThat(i.extension()).isEqualTo("png");
            assertThat(i.contentType()).isEqualTo("image/png");
            assertThat(i.image().getWidth()).isEqualTo(64);
        });
        assertThat(decode(png(3000, 120))).isInstanceOfSatisfying(GuardedDecoder.Image.class, i -> {
            assertThat(i.width()).isEqualTo(3000);
            assertThat(i.image().getWidth()).isLessThanOrEqualTo(1000);
        });
    }

    @Test
    void emptyOversizedAndUnknownBytesAreRefusedUndecoded() throws Exception {
        assertThat(refusal(new byte[0])).isEqualTo(GuardedDecoder.Refusal.MISSING);
        assertThat(GuardedDecoder.decode(png(64, 48), 100, MAX_PIXELS, DecodeLimits.DEFAULTS, 1000))
                .isInstanceOfSatisfying(
                        GuardedDecoder.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(GuardedDecoder.Refusal.TOO_MANY_BYTES));
        assertThat(decode("%PDF-1.7 not an image".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(GuardedDecoder.Refused.class, r -> {
                    assertThat(r.reason()).isEqualTo(GuardedDecoder.Refusal.UNSUPPORTED_FORMAT);
                    assertThat(r.detail()).contains("PDF");
                });
    }

    @Test
    void aBmpThatEmbedsPngDataIsRefusedBeforeTheJdkReaderAllocatesItsClaim() {
        byte[] bmp = new byte[70];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[14] = 40; // BITMAPINFOHEADER
        bmp[30] = 5; // BI_PNG
        bmp[34] = (byte) 0xFF; // biSizeImage claims ~2 GiB
        bmp[35] = (byte) 0xFF;
        bmp[36] = (byte) 0xFF;
        bmp[37] = 0x7F;
        assertThat(decode(bmp)).isInstanceOfSatisfying(GuardedDecoder.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(GuardedDecoder.Refusal.UNSUPPORTED_FORMAT);
            assertThat(r.detail()).contains("BMP with embedded");
        });
    }

    @Test
    void aHeaderThatClaimsMorePixelsThanTheBudgetIsNeverDecoded() throws Exception {
        byte[] b = png(8, 8);
        // IHDR data starts at 16: width, height; its CRC covers "IHDR" + 13 bytes and sits at 29
        ByteBuffer.wrap(b, 16, 8).putInt(50_000).putInt(50_000);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
        assertThat(decode(b)).isInstanceOfSatisfying(GuardedDecoder.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(GuardedDecoder.Refusal.DECOMPRESSION_BOMB);
            assertThat(r.detail()).contains("50000x50000").contains("not decoded");
        });
    }

    @Test
    void aTruncatedImageIsCorrupt() throws Exception {
        byte[] b = png(200, 200);
        byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
        assertThat(refusal(cut)).isIn(GuardedDecoder.Refusal.CORRUPT, GuardedDecoder.Refusal.UNREADABLE);
    }
}
