package io.clipstream.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.contracts.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PairValidatorTest {
    private static final String PNG =
            Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    private final PairValidator validator = new PairValidator(ShapeRules.defaults());

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ValidationException refused(String body) {
        try {
            validator.parsePair(json(body));
        } catch (ValidationException e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void acceptsAFullPair() {
        PairSubmission p = validator.parsePair(json("""
                {"pairId":"p-1","domain":"fashion","text":"a red shirt","imageBase64":"%s","attributes":{"sku":"42"}}
                """.formatted(PNG)));
        assertThat(p).isEqualTo(new PairSubmission("p-1", "fashion", "a red shirt", PNG, null, Map.of("sku", "42")));
    }

    @Test
    void leavesContentRulesToTheCurator() {
        // empty caption, and bytes that are no image: shape is fine, the curator rejects them later
        PairSubmission p = validator.parsePair(json("{\"text\":\"\",\"imageBase64\":\"aGVsbG8=\"}"));
        assertThat(p.text()).isEmpty();
        assertThat(p.pairId()).isNull(); // the publisher generates one
    }

    @Test
    void acceptsAnImageUriAndTreatsNullAsAbsent() {
        PairSubmission p = validator.parsePair(
                json("{\"text\":\"t\",\"imageUri\":\"s3://inbox/a.png\",\"imageBase64\":null,\"domain\":null}"));
        assertThat(p.imageUri()).isEqualTo("s3://inbox/a.png");
        assertThat(p.imageBase64()).isNull();
    }

    @Test
    void malformedOrNonObjectJsonIsInvalidJson() {
        for (String body : List.of(
                "",
                "{",
                "{\"text\":\"a\",}",
                "[1]",
                "\"x\"",
                "null",
                "{\"text\":\"a\"} {}",
                "{\"text\":\"a\",\"text\":\"b\",\"imageUri\":\"s3://b/k\"}")) {
            assertThat(refused(body).reason()).as(body).isEqualTo(ReasonCode.INVALID_JSON);
        }
    }

    @Test
    void imageMustBeExactlyOneOfInlineAndUri() {
        assertThat(refused("{\"text\":\"t\"}").errors())
                .containsExactly(new FieldError(
                        "/imageBase64", ReasonCode.INVALID_FIELD, "give exactly one of imageBase64 and imageUri"));
        ValidationException both =
                refused("{\"text\":\"t\",\"imageBase64\":\"%s\",\"imageUri\":\"s3://b/k\"}".formatted(PNG));
        assertThat(both.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(both.errors()).extracting(FieldError::pointer).containsExactly("/imageUri");
    }

    @Test
    void base64MustDecode() {
        ValidationException e = refused("{\"text\":\"t\",\"imageBase64\":\"not base64!\"}");
        assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_IMAGE_ENCODING);
        assertThat(e.errors()).extracting(FieldError::pointer).containsExactly("/imageBase64");
        assertThat(refused("{\"text\":\"t\",\"imageBase64\":\"aGVs\\nbG8=\"}").reason())
                .as("line breaks (MIME) are not standard base64")
                .isEqualTo(ReasonCode.INVALID_IMAGE_ENCODING);
    }

    @Test
    void textIsRequiredAsAStringButMayBeEmpty() {
        assertThat(refused("{\"imageUri\":\"s3://b/k\"}").errors())
                .extracting(FieldError::pointer)
                .containsExactly("/text");
        ValidationException e = refused("{\"text\":42,\"imageUri\":\"s3://b/k\"}");
        assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(e.errors().getFirst().detail()).contains("must be a string, got number");
    }

    @Test
    void unknownFieldsAndSourceAreRefused() {
        ValidationException e =
                refused("{\"text\":\"t\",\"imageUri\":\"s3://b/k\",\"source\":\"me\",\"caption\":\"x\"}");
        assertThat(e.errors()).extracting(FieldError::pointer).containsExactlyInAnyOrder("/source", "/caption");
        assertThat(e.errors()).anyMatch(f -> f.detail().contains("set by the gateway"));
    }

    @Test
    void boundsAreChecked() {
        ShapeRules r = ShapeRules.defaults();
        String longText = "x".repeat(r.textLength() + 1);
        assertThat(refused("{\"text\":\"%s\",\"imageUri\":\"s3://b/k\"}".formatted(longText))
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/text");
        assertThat(refused("{\"pairId\":\"%s\",\"text\":\"\",\"imageUri\":\"s3://b/k\"}".formatted("i".repeat(129)))
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/pairId");
        assertThat(refused("{\"pairId\":\"a b\",\"text\":\"\",\"imageUri\":\"s3://b/k\"}")
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/pairId");
        for (String domain : List.of(" ", "Fashion", "x/../y", "a".repeat(64), "mode\\u00e9")) {
            ValidationException e =
                    refused("{\"domain\":\"%s\",\"text\":\"\",\"imageUri\":\"s3://b/k\"}".formatted(domain));
            assertThat(e.errors()).as(domain).extracting(FieldError::pointer).containsExactly("/domain");
            assertThat(e.reason()).as(domain).isEqualTo(ReasonCode.DOMAIN_INVALID);
        }
        assertThatThrownBy(() -> validator.validateForm(null, "../etc", "t", new byte[] {1}))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.DOMAIN_INVALID);
                    assertThat(e.errors()).extracting(FieldError::pointer).containsExactly("#domain");
                });
        assertThat(refused("{\"text\":\"\",\"imageUri\":\"ftp://h/k\"}")
                        .errors()
                        .getFirst()
                        .detail())
                .contains("scheme 'ftp' is not s3");
        assertThat(refused("{\"text\":\"\",\"imageUri\":\"relative/path.png\"}").errors())
                .extracting(FieldError::pointer)
                .containsExactly("/imageUri");
        assertThat(refused("{\"text\":\"\",\"imageUri\":\"s3://b/k\",\"attributes\":{\"n\":1,\"a/b\":\"ok\",\"l\":[]}}")
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/attributes/n", "/attributes/l");
        String many = IntStream.range(0, r.attributes() + 1)
                .mapToObj(i -> "\"k" + i + "\":\"v\"")
                .collect(Collectors.joining(","));
        assertThat(refused("{\"text\":\"\",\"imageUri\":\"s3://b/k\",\"attributes\":{%s}}".formatted(many))
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/attributes");
    }

    @Test
    void reportsEveryErrorWithReasonOfTheFirst() {
        ValidationException e = refused("{\"pairId\":\"\",\"text\":1,\"imageBase64\":\"%%%\"}");
        assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(e.errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/pairId", "/text", "/imageBase64");
        assertThat(e.getMessage()).startsWith("3 fields are invalid");
    }

    @Test
    void batchAcceptsValidPairsInOrder() {
        List<PairSubmission> pairs = validator.parseBatch(json("""
                {"pairs":[{"pairId":"a","text":"one","imageBase64":"%s"},{"text":"two","imageUri":"s3://clipstream/inbox/test/y.jpg"}]}
                """.formatted(PNG)));
        assertThat(pairs).extracting(PairSubmission::text).containsExactly("one", "two");
    }

    @Test
    void batchIsAllOrNothingWithIndexedPointers() {
        ValidationException e = assertRefusedBatch("""
                {"pairs":[{"text":"ok","imageUri":"s3://b/k"},{"text":"bad"},7,{"pairId":"d","text":"","imageUri":"s3://b/1"},{"pairId":"d","text":"","imageUri":"s3://b/2"}]}
                """);
        assertThat(e.errors())
                .extracting(FieldError::pointer)
                .containsExactly("/pairs/1/imageBase64", "/pairs/2", "/pairs/4/pairId");
        assertThat(e.errors().get(2).detail()).contains("duplicates /pairs/3/pairId");
    }

    @Test
    void batchShapeAndSize() {
        assertThat(assertRefusedBatch("[]").reason()).isEqualTo(ReasonCode.INVALID_JSON);
        assertThat(assertRefusedBatch("{\"pairs\":[]}").errors())
                .extracting(FieldError::pointer)
                .containsExactly("/pairs");
        assertThat(assertRefusedBatch("{\"pair\":[]}").errors())
                .extracting(FieldError::pointer)
                .containsExactly("/pair", "/pairs");
        PairValidator small = new PairValidator(new ShapeRules(128, 100, 100, "clipstream", 4, 8, 8, 2));
        String three = "{\"pairs\":[" + String.join(",", List.of("{}", "{}", "{}")) + "]}";
        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
                ValidationException.class, () -> small.parseBatch(json(three)));
        assertThat(e.reason()).isEqualTo(ReasonCode.BATCH_TOO_LARGE);
    }

    @Test
    void formNeedsImageAndTextAndIsEncodedAsBase64() {
        PairSubmission p = validator.validateForm(null, "fashion", "", new byte[] {1, 2, 3});
        assertThat(p.imageBase64()).isEqualTo("AQID");
        assertThat(p.text()).isEmpty();
        assertThatThrownBy(() -> validator.validateForm("x y", null, null, null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::pointer)
                                .containsExactly("#pairId", "#text", "#image"));
    }

    private ValidationException assertRefusedBatch(String body) {
        try {
            validator.parseBatch(json(body));
        } catch (ValidationException e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void imageReferencesMustPointIntoTheProducersInbox() {
        PairSubmission mine = new PairSubmission(null, null, "t", null, "s3://clipstream/inbox/acme/a.png", Map.of());
        PairSubmission theirs =
                new PairSubmission(null, null, "t", null, "s3://clipstream/inbox/other/a.png", Map.of());
        validator.checkImageRefs(List.of(mine), "acme", false);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> validator.checkImageRefs(List.of(mine, theirs), "acme", true))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.errors()).extracting(FieldError::pointer).containsExactly("/pairs/1/imageUri");
                    assertThat(e.errors().getFirst().detail()).contains("inbox/acme/");
                });
    }
}
