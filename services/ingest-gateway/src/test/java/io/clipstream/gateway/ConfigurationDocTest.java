package io.clipstream.gateway;

import io.clipstream.testkit.ConfigDoc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every key the gateway reads through its config mappings, with the default and the meaning
 * those mappings give (rewrite it with {@code -Dclipstream.config-doc.write=true} after changing a mapping).
 */
class ConfigurationDocTest {
    @Test
    void theReferenceListsEveryKeyWithItsDefaultAndMeaning() {
        ConfigDoc.check(
                Path.of("../../docs/configuration.md"),
                Path.of("../.."),
                Path.of("src/main/resources/application.properties"),
                GatewayConfig.class);
    }
}
