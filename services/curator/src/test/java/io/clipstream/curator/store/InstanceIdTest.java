package io.clipstream.curator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {
    @Test
    void theIdSurvivesARestartAndTwoInstancesGetTwoIds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state").resolve("app-store-stage.id");
        String first = InstanceId.load(file);
        assertThat(InstanceId.load(file)).as("after a restart").isEqualTo(first);
        assertThat(Files.readString(file)).isEqualTo(first);
        assertThat(InstanceId.load(dir.resolve("other").resolve("app-store-stage.id")))
                .isNotEqualTo(first);
    }
}
