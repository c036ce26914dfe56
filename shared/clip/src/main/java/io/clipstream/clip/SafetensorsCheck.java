package io.clipstream.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a safetensors file before DJL decodes it: DJL allocates what the file's header claims (the header's length,
 * then each tensor's bytes) before it finds out whether the file holds them. Here the header must be at most
 * {@code maxHeaderBytes}, lie within the file, and every tensor's dtype, shape and data offsets must agree with each
 * other and with the file's size; otherwise the file is refused with the reason, nothing allocated beyond the header.
 */
public final class SafetensorsCheck {
    /** Far above any real header (a ViT-L/14's names and shapes take ~100 KB). */
    public static final long DEFAULT_MAX_HEADER_BYTES = 16L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("F64", 8),
            Map.entry("F32", 4),
            Map.entry("F16", 2),
            Map.entry("BF16", 2),
            Map.entry("I64", 8),
            Map.entry("I32", 4),
            Map.entry("I16", 2),
            Map.entry("I8", 1),
            Map.entry("U8", 1),
            Map.entry("BOOL", 1));

    private SafetensorsCheck() {}

    /** @throws IOException naming the file and what in it does not hold */
    public static void check(Path file, long maxHeaderBytes) throws IOException {
        long size = Files.size(file);
        if (size < 8) {
            throw refused(file, "shorter than the 8-byte header length");
        }
        try (InputStream in = Files.newInputStream(file)) {
            long headerLength = ByteBuffer.wrap(in.readNBytes(8))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            if (headerLength < 2 || headerLength > maxHeaderBytes) {
                throw refused(file, "header of " + headerLength + " bytes (at most " + maxHeaderBytes + ")");
            }
            if (headerLength > size - 8) {
                throw refused(file, "header of " + headerLength + " bytes in a file of " + size);
            }
            JsonNode header;
            try {
                header = JSON.readTree(in.readNBytes((int) headerLength));
            } catch (IOException e) {
                throw refused(file, "header is not JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) {
                throw refused(file, "header is not a JSON object");
            }
            long data = size - 8 - headerLength;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    checkTensor(file, e.getKey(), e.getValue(), data);
                }
            }
        }
    }

    private static void checkTensor(Path file, String name, JsonNode t, long data) throws IOException {
        Integer width = DTYPE_BYTES.get(t.path("dtype").asText());
        if (width == null) {
            throw refused(file, "tensor " + name + ": unknown dtype " + t.path("dtype"));
        }
        JsonNode shape = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw refused(file, "tensor " + name + ": no shape or data_offsets");
        }
        long elements = 1;
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw refused(file, "tensor " + name + ": bad dimension " + d);
            }
            try {
                elements = Math.multiplyExact(elements, d.asLong());
            } catch (ArithmeticException overflow) {
                throw refused(file, "tensor " + name + ": shape " + shape + " overflows");
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > data) {
            throw refused(
                    file, "tensor " + name + ": data_offsets " + offsets + " outside the " + data + " bytes of data");
        }
        if (elements > Long.MAX_VALUE / width || elements * width != end - begin) {
            throw refused(
                    file,
                    "tensor " + name + ": shape " + shape + " of "
                            + t.path("dtype").asText() + " needs "
                            + (elements > Long.MAX_VALUE / width ? "more than 2^63" : elements * width)
                            + " bytes, data_offsets hold " + (end - begin));
        }
    }

    private static IOException refused(Path file, String why) {
        return new IOException(file.getFileName() + " is not a safetensors file this process loads: " + why);
    }
}
