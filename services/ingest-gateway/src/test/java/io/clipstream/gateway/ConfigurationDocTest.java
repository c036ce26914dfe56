package io.clipstream.gateway;

import io.clipstream.testkit.ConfigDoc;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every key the gateway reads through its config mappings, with the default and the meaning
 * those mappings give (rewrite it with {@code -Dclipstream.config-doc.write=true} after changing a mapping).
 */
class ConfigurationDocTest {
    @Test
    void theReferenceListsEveryKeyWithItsDefaultAndMeaning() {
        ConfigDoc.checkService(GatewayConfig.class);
    }
}
