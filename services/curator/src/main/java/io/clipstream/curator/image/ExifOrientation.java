package io.clipstream.curator.image;

/**
 * The EXIF orientation of a JPEG (TIFF tag 274 in the APP1 "Exif" segment, IFD0), read from the
 * bytes without a metadata library. Cameras store pixels as the sensor saw them and say in this tag
 * how to turn them for display; every reader that ignores it shows portraits sideways. Bounds are
 * checked at every step: a malformed segment means {@link #NORMAL}, never an exception.
 */
final class ExifOrientation {
    static final int NORMAL = 1;
    private static final int TAG_ORIENTATION = 0x0112;

    private ExifOrientation() {}

    /** Orientations 5 to 8 turn the image by 90 degrees: width and height trade places. */
    static boolean swapsSides(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    static int of(byte[] b) {
        if (b.length < 4 || u8(b, 0) != 0xFF || u8(b, 1) != 0xD8) {
            return NORMAL;
        }
        int i = 2;
        while (i + 4 <= b.length && u8(b, i) == 0xFF) {
            int marker = u8(b, i + 1);
            int length = u16(b, i + 2, false);
            if (marker == 0xDA || length < 2) {
                return NORMAL; // start of scan: no APP1 before the pixels
            }
            int data = i + 4;
            if (marker == 0xE1 && data + 6 <= b.length && startsWithExif(b, data)) {
                return fromTiff(b, data + 6, Math.min(b.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return NORMAL;
    }

    private static boolean startsWithExif(byte[] b, int at) {
        return b[at] == 'E'
                && b[at + 1] == 'x'
                && b[at + 2] == 'i'
                && b[at + 3] == 'f'
                && b[at + 4] == 0
                && b[at + 5] == 0;
    }

    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return NORMAL;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return NORMAL;
        }
        int at = (int) (tiff + ifd);
        int entries = u16(b, at, little);
        for (int e = 0; e < entries; e++) {
            int entry = at + 2 + 12 * e;
            if (entry + 12 > end) {
                return NORMAL;
            }
            if (u16(b, entry, little) == TAG_ORIENTATION) {
                int value = u16(b, entry + 8, little); // SHORT, stored in the first bytes of the value field
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? u8(b, i) | u8(b, i + 1) << 8 : u8(b, i) << 8 | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i, boolean little) {
        return little
                ? (u8(b, i) | (long) u8(b, i + 1) << 8 | (long) u8(b, i + 2) << 16 | (long) u8(b, i + 3) << 24)
                : ((long) u8(b, i) << 24 | (long) u8(b, i + 1) << 16 | (long) u8(b, i + 2) << 8 | u8(b, i + 3));
    }
}
