package io.clipstream.curator.config;

import io.clipstream.contracts.DomainsSettings;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.storage.StorageSettings;
import io.clipstream.testkit.ConfigDoc;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every key the curator reads through its config mappings, with the default and the meaning
 * those mappings give (rewrite it with {@code -Dclipstream.config-doc.write=true} after changing a mapping); the keys
 * every service shares (topics, storage, domains) with the mappings' own defaults.
 */
class ConfigurationDocTest {
    @Test
    void theReferenceListsEveryKeyWithItsDefaultAndMeaning() {
        ConfigDoc.checkService(CuratorConfig.class);
        ConfigDoc.checkShared(TopicsConfig.class, StorageSettings.class, DomainsSettings.class);
    }
}
