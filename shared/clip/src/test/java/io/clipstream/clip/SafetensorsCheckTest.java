package io.clipstream.clip;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckTest {
    @TempDir
    Path tmp;

    private Path file(long claimedHeaderLength, String header, int dataBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(claimedHeaderLength)
                .array());
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.write(new byte[dataBytes]);
        Path f = tmp.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    private Path file(String header, int dataBytes) throws Exception {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    @Test
    void aFileWhoseHeaderAgreesWithItsDataPasses() throws Exception {
        Path ok = file(
                "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
                24);
        assertThatCode(() -> SafetensorsCheck.check(ok, 1024)).doesNotThrowAnyException();
    }

    @Test
    void whatDjlWritesPasses() throws Exception {
        GenerateTinyClip.generate(tmp.resolve("tiny"), TinyClipSpec.defaults());
        assertThatCode(() -> SafetensorsCheck.check(
                        tmp.resolve("tiny").resolve(ClipModel.WEIGHTS_FILE), SafetensorsCheck.DEFAULT_MAX_HEADER_BYTES))
                .doesNotThrowAnyException();
    }

    @Test
    void aHeaderLongerThanTheBoundOrTheFileIsRefusedBeforeItIsRead() throws Exception {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> SafetensorsCheck.check(file(1L << 40, h, 4), 1024))
                .hasMessageContaining("at most 1024");
        assertThatThrownBy(() -> SafetensorsCheck.check(file(900, h, 4), 1024)).hasMessageContaining("in a file of");
        assertThatThrownBy(() -> SafetensorsCheck.check(file(h, 4), 8)).hasMessageContaining("at most 8");
    }

    @Test
    void tensorsThatClaimMoreThanTheFileHoldsAreRefused() throws Exception {
        assertThatThrownBy(() -> SafetensorsCheck.check(
                        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,16]}}", 16),
                        1024))
                .hasMessageContaining("needs 4000000000000 bytes");
        assertThatThrownBy(() -> SafetensorsCheck.check(
                        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8), 1024))
                .hasMessageContaining("outside the 8 bytes");
        assertThatThrownBy(() -> SafetensorsCheck.check(
                        file(
                                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,4]}}",
                                4),
                        1024))
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> SafetensorsCheck.check(
                        file("{\"w\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), 1024))
                .hasMessageContaining("unknown dtype");
        assertThatThrownBy(() -> SafetensorsCheck.check(
                        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), 1024))
                .hasMessageContaining("bad dimension");
    }

    @Test
    void garbageIsRefused() throws Exception {
        assertThatThrownBy(() -> SafetensorsCheck.check(file("not json at all", 0), 1024))
                .hasMessageContaining("not JSON");
        Path tiny = tmp.resolve("tiny.bin");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafetensorsCheck.check(tiny, 1024)).hasMessageContaining("shorter than");
    }
}
