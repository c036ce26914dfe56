package io.clipstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionManifestTest {
    private static final String SHA = "a".repeat(64);

    private static byte[] manifest(String files) {
        return ("{\"files\":" + files + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsBackWhatItRenders() throws Exception {
        Map<String, String> files =
                Map.of("adapter_model.safetensors", SHA, "experts/sketch/adapter_config.json", "b".repeat(64));
        assertThat(VersionManifest.parse(VersionManifest.render(files))).isEqualTo(files);
    }

    @Test
    void refusesPathsThatLeaveTheVersionFolder() {
        for (String path :
                new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", ".env", "a/./b", "a\\\\b", "", "a/"}) {
            assertThatThrownBy(() -> VersionManifest.parse(manifest("{\"" + path + "\":\"" + SHA + "\"}")))
                    .as(path)
                    .hasMessageContaining("outside its version");
        }
    }

    @Test
    void refusesHashesThatAreNotSha256AndTooManyFiles() {
        assertThatThrownBy(() -> VersionManifest.parse(manifest("{\"a\":\"ABC\"}")))
                .hasMessageContaining("not 64 lower-case hex");
        assertThatThrownBy(() -> VersionManifest.parse(manifest("{\"a\":7}")))
                .hasMessageContaining("not 64 lower-case hex");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= VersionManifest.MAX_FILES; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("\"f")
                    .append(i)
                    .append("\":\"")
                    .append(SHA)
                    .append('"');
        }
        assertThatThrownBy(() -> VersionManifest.parse(manifest(many.append('}').toString())))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> VersionManifest.parse(manifest("[]"))).hasMessageContaining("no files object");
    }
}
