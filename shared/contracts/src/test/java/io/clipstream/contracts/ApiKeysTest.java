package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private final ApiKeys keys = new ApiKeys(
            "clipstream.gateway.api-keys", Map.of("shop", "shop-key-0123456789", "museum", "museum-key-0123456789"));

    @Test
    void findsTheProducerOfAKey() {
        assertThat(keys.producerFor("shop-key-0123456789")).contains("shop");
        assertThat(keys.producerFor("museum-key-0123456789")).contains("museum");
        assertThat(keys.producerFor("shop-key-012345678")).isEmpty();
        assertThat(keys.producerFor("")).isEmpty();
        assertThat(keys.producerFor(null)).isEmpty();
    }

    @Test
    void readsTheKeyFromXApiKeyOrBearer() {
        assertThat(ApiKeys.presentedKey(" k1 ", "Bearer k2")).contains("k1");
        assertThat(ApiKeys.presentedKey(null, "Bearer k2")).contains("k2");
        assertThat(ApiKeys.presentedKey("", "bearer  k2 ")).contains("k2");
        assertThat(ApiKeys.presentedKey(null, "Basic dXNlcjpwdw==")).isEmpty();
        assertThat(ApiKeys.presentedKey(null, null)).isEqualTo(Optional.empty());
    }

    @Test
    void refusesUnsafeConfiguration() {
        assertThatThrownBy(() -> new ApiKeys("clipstream.gateway.api-keys", Map.of("a", "short")))
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new ApiKeys(
                        "clipstream.gateway.api-keys", Map.of("a", "same-key-0123456789", "b", "same-key-0123456789")))
                .hasMessageContaining("share one key");
        assertThatThrownBy(() -> new ApiKeys("clipstream.gateway.api-keys", Map.of("bad name", "key-0123456789abcdef")))
                .hasMessageContaining("must match");
        assertThat(new ApiKeys("clipstream.gateway.api-keys", Map.of()).isEmpty())
                .isTrue();
        assertThatThrownBy(() -> new ApiKeys(
                        "clipstream.gateway.api-keys", Map.of("fashion-mnist", "REPLACE_ME-at-least-16-chars")))
                .hasMessageContaining("shipped placeholder");
    }
}
