package io.clipstream.imaging;

/**
 * Structural checks on the encoded bytes, made before any decoder sees them, for inputs that make
 * a decoder allocate or loop without bound: a BMP that embeds PNG or JPEG data (the JDK's BMP reader
 * allocates the header's {@code biSizeImage} bytes, up to 2 GiB, before reading anything) and a
 * JPEG with more scans than any encoder writes.
 */
public final class FormatGuards {
    private static final int BI_JPEG = 4;
    private static final int BI_PNG = 5;

    private FormatGuards() {}

    /** True for a BMP whose compression field says the pixels are an embedded JPEG or PNG. */
    public static boolean isBmpWithEmbeddedCompression(byte[] b) {
        if (b.length < 34 || b[0] != 'B' || b[1] != 'M') {
            return false;
        }
        long dibHeaderSize = le32(b, 14);
        if (dibHeaderSize < 40) {
            return false; // OS/2 BITMAPCOREHEADER: no compression field
        }
        long compression = le32(b, 30);
        return compression == BI_JPEG || compression == BI_PNG;
    }

    /**
     * Counts the start-of-scan markers of a JPEG by walking its marker segments and skipping each
     * scan's entropy-coded data; stops counting once {@code stopAfter} is exceeded. Returns 0 for
     * anything that does not start like a JPEG.
     */
    public static int jpegScanCount(byte[] b, int stopAfter) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return 0;
        }
        int scans = 0;
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                i++; // garbage between segments: the decoder warns; keep looking for markers
                continue;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF || marker == 0x00 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i++; // fill byte, stuffed zero, restart marker or TEM: no length field
                continue;
            }
            if (marker == 0xD9) {
                break; // EOI
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            i += 2 + length;
            if (marker == 0xDA) {
                if (++scans > stopAfter) {
                    return scans;
                }
                i = skipEntropyCodedData(b, i);
            }
        }
        return scans;
    }

    /** Entropy-coded data ends at the first 0xFF followed by neither a stuffed 0x00 nor a restart marker. */
    private static int skipEntropyCodedData(byte[] b, int i) {
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) == 0xFF) {
                int next = b[i + 1] & 0xFF;
                if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7)) {
                    return i;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return b.length;
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }
}
