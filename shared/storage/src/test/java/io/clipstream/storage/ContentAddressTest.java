package io.clipstream.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentAddressTest {
    @Test
    void sha256OfKnownInput() {
        assertThat(ContentAddress.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void keysFollowTheLayout() {
        String sha = ContentAddress.sha256Hex(new byte[] {1, 2, 3});
        assertThat(ContentAddress.imageKey(sha, "png"))
                .isEqualTo("pairs/images/sha256/" + sha.substring(0, 2) + "/" + sha + ".png");
        assertThat(ContentAddress.textKey("acme", sha))
                .isEqualTo("pairs/text/by-source/acme/" + sha.substring(0, 2) + "/" + sha + ".json");
    }

    @Test
    void refusesWhatIsNotAHashOrAnExtension() {
        assertThatThrownBy(() -> ContentAddress.textKey("acme", "../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
        String any = ContentAddress.sha256Hex(new byte[] {9});
        for (String source : new String[] {"..", "a/b", "", "../x", null}) {
            assertThatThrownBy(() -> ContentAddress.textKey(source, any))
                    .as(String.valueOf(source))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ContentAddress.imageKey("A".repeat(64), "png"))
                .isInstanceOf(IllegalArgumentException.class);
        String sha = ContentAddress.sha256Hex(new byte[0]);
        assertThatThrownBy(() -> ContentAddress.imageKey(sha, "p/ng")).isInstanceOf(IllegalArgumentException.class);
    }
}
