package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

    @Test
    void acceptsAKeyInTheProducersOwnInbox() {
        ImageRef ref = ImageRef.parse("s3://clipstream/inbox/acme/2026/kite.png", "clipstream", "acme");
        assertThat(ref.key()).isEqualTo("inbox/acme/2026/kite.png");
        assertThat(ref.uri()).isEqualTo("s3://clipstream/inbox/acme/2026/kite.png");
    }

    @Test
    void decodesPercentEscapesBeforeCheckingSegments() {
        assertThat(ImageRef.parse("s3://clipstream/inbox/acme/red%20kite.png", "clipstream", "acme")
                        .key())
                .isEqualTo("inbox/acme/red kite.png");
        assertThatThrownBy(() -> ImageRef.parse("s3://clipstream/inbox/acme/%2e%2e/other/x.png", "clipstream", "acme"))
                .isInstanceOf(ImageRef.InvalidImageRefException.class)
                .hasMessageContaining("'..'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3://clipstream/a/../b", // the reference from the issue
                "s3://clipstream/inbox/acme/../other/x.png", // climbs out of the inbox
                "s3://clipstream/inbox/acme/./x.png",
                "s3://clipstream/inbox/acme//x.png",
                "s3://clipstream/inbox/other/x.png", // another producer's inbox
                "s3://clipstream/pairs/images/sha256/ab/x.png", // the curated corpus
                "s3://clipstream/inbox/acme/", // the inbox itself
                "s3://elsewhere/inbox/acme/x.png", // another bucket
                "https://example.com/inbox/acme/x.png", // other schemes are never fetched
                "file:///etc/passwd",
                "s3:inbox/acme/x.png",
                "s3://clipstream/inbox/acme/x.png?versionId=1",
                "s3://user@clipstream/inbox/acme/x.png",
                "s3://clipstream:9000/inbox/acme/x.png",
                "not a uri at all",
                ""
            })
    void refusesEverythingElse(String uri) {
        assertThatThrownBy(() -> ImageRef.parse(uri, "clipstream", "acme"))
                .isInstanceOf(ImageRef.InvalidImageRefException.class);
    }

    @Test
    void refusesKeysOverS3sLimit() {
        String name = "k".repeat(ImageRef.MAX_KEY_BYTES);
        assertThatThrownBy(() -> ImageRef.parse("s3://clipstream/inbox/acme/" + name, "clipstream", "acme"))
                .hasMessageContaining("1024 UTF-8 bytes");
    }

    @Test
    void refusesASourceThatCannotNameAnInbox() {
        assertThatThrownBy(() -> ImageRef.parse("s3://clipstream/inbox/../x.png", "clipstream", ".."))
                .isInstanceOf(ImageRef.InvalidImageRefException.class);
    }
}
