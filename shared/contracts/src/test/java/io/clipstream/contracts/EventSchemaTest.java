package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every serialised event validates against its JSON Schema, and the schemas refuse what they should. */
class EventSchemaTest {
    private static final String SHA = "ab" + "0".repeat(62);
    private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

    static JsonSchema schema(String name) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        InputStream in = EventSchemaTest.class.getResourceAsStream("/schemas/" + name + ".schema.json");
        assertThat(in).as("schema resource for " + name).isNotNull();
        return factory.getSchema(in, config);
    }

    static Set<ValidationMessage> validate(String schemaName, Object event) throws Exception {
        JsonNode node = Json.mapper().readTree(Json.write(event));
        return schema(schemaName).validate(node);
    }

    static PairSubmitted submitted(String image, String uri) {
        return PairSubmitted.of("p-1", "demo", "fashion", "a photo of a coat", image, uri, Map.of("label", "4"), T);
    }

    static PairCurated curated() {
        return new PairCurated(
                PairCurated.SCHEMA_VERSION,
                "p-1",
                "demo",
                "fashion",
                SHA,
                "pairs/images/sha256/ab/" + SHA + ".png",
                "pairs/text/sha256/ab/" + SHA + ".json",
                "png",
                "00ff00ff00ff00ff",
                28,
                28,
                "a photo of a coat",
                Map.of("sharpness", 812.5),
                T,
                T.plusSeconds(1));
    }

    @Test
    void pairSubmittedWithInlineImageValidates() throws Exception {
        assertThat(validate("PairSubmitted", submitted("iVBORw0KGgo=", null))).isEmpty();
    }

    @Test
    void pairSubmittedWithClaimCheckValidates() throws Exception {
        assertThat(validate("PairSubmitted", submitted(null, "s3://bucket/img.png")))
                .isEmpty();
    }

    @Test
    void pairSubmittedNeedsExactlyOneImageSource() throws Exception {
        assertThat(validate("PairSubmitted", submitted(null, null))).isNotEmpty();
        assertThat(validate("PairSubmitted", submitted("iVBORw0KGgo=", "s3://b/i.png")))
                .isNotEmpty();
    }

    @Test
    void pairCuratedValidates() throws Exception {
        assertThat(validate("PairCurated", curated())).isEmpty();
    }

    @Test
    void pairCuratedNeedsNoTextObject() throws Exception {
        PairCurated c = curated();
        PairCurated imageOnly = new PairCurated(
                c.schemaVersion(),
                c.pairId(),
                c.source(),
                c.domain(),
                c.sha256(),
                c.imageKey(),
                null,
                c.imageFormat(),
                c.perceptualHash(),
                c.width(),
                c.height(),
                c.text(),
                c.quality(),
                c.submittedAt(),
                c.curatedAt());
        assertThat(validate("PairCurated", imageOnly)).isEmpty();
        assertThat(new String(Json.write(imageOnly), StandardCharsets.UTF_8)).doesNotContain("textKey");
    }

    @Test
    void pairCuratedRefusesAKeyOutsideTheLayout() throws Exception {
        PairCurated c = curated();
        PairCurated bad = new PairCurated(
                c.schemaVersion(),
                c.pairId(),
                c.source(),
                c.domain(),
                c.sha256(),
                "images/" + SHA + ".png",
                c.textKey(),
                c.imageFormat(),
                c.perceptualHash(),
                c.width(),
                c.height(),
                c.text(),
                c.quality(),
                c.submittedAt(),
                c.curatedAt());
        assertThat(validate("PairCurated", bad)).isNotEmpty();
    }

    @Test
    void pairRejectedValidatesWithEveryCuratorReason() throws Exception {
        for (ReasonCode code : ReasonCode.values()) {
            if (code.stage() != ReasonCode.Stage.CURATOR) {
                continue;
            }
            PairRejected r = new PairRejected(
                    PairRejected.SCHEMA_VERSION,
                    "p-1",
                    "demo",
                    "fashion",
                    List.of(code),
                    code.description(),
                    Topics.PAIRS_RAW,
                    0,
                    42L,
                    T);
            assertThat(validate("PairRejected", r)).as(code.name()).isEmpty();
        }
    }

    @Test
    void pairRejectedRefusesGatewayCodes() throws Exception {
        PairRejected r = new PairRejected(
                PairRejected.SCHEMA_VERSION,
                "p-1",
                "demo",
                null,
                List.of(ReasonCode.UNAUTHORIZED),
                "x",
                Topics.PAIRS_RAW,
                0,
                1L,
                T);
        assertThat(validate("PairRejected", r)).isNotEmpty();
    }

    @Test
    void rejectedSchemaListsExactlyTheCuratorCodes() {
        JsonNode items = schema("PairRejected").getSchemaNode().at("/properties/reasons/items/enum");
        List<String> inSchema = new ArrayList<>();
        items.forEach(n -> inSchema.add(n.asText()));
        List<String> curatorCodes = Arrays.stream(ReasonCode.values())
                .filter(c -> c.stage() == ReasonCode.Stage.CURATOR)
                .map(Enum::name)
                .toList();
        assertThat(inSchema).containsExactlyInAnyOrderElementsOf(curatorCodes);
    }

    @Test
    void serdesRoundTripAndReportMalformedBytes() {
        var serde = EventSerdes.pairCurated();
        byte[] bytes = serde.serializer().serialize(Topics.PAIRS_CURATED, curated());
        assertThat(serde.deserializer().deserialize(Topics.PAIRS_CURATED, bytes))
                .isEqualTo(curated());
        assertThat(serde.deserializer().deserialize(Topics.PAIRS_CURATED, null)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventSerdes.pairSubmitted()
                        .deserializer()
                        .deserialize(Topics.PAIRS_RAW, "{not json".getBytes()))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("PairSubmitted");
    }

    static PairDeadLettered deadLettered(String stage) {
        return new PairDeadLettered(
                PairDeadLettered.SCHEMA_VERSION,
                "p-1",
                "demo",
                "fashion",
                stage,
                "io.clipstream.storage.StorageUnavailableException",
                "put pairs/images/... failed: connect timed out",
                4,
                Topics.PAIRS_RAW,
                1,
                7L,
                T,
                "eyJwYWlySWQiOiJwLTEifQ==");
    }

    @Test
    void pairDeadLetteredValidates() throws Exception {
        assertThat(validate("PairDeadLettered", deadLettered("store"))).isEmpty();
        assertThat(validate("PairDeadLettered", deadLettered("inspect"))).isEmpty();
    }

    @Test
    void pairDeadLetteredRefusesAnUnknownStageAndKeepsErrorsBounded() throws Exception {
        assertThat(validate("PairDeadLettered", deadLettered("elsewhere"))).isNotEmpty();
        PairDeadLettered big = new PairDeadLettered(
                1, "p", "s", null, "store", "E", "x".repeat(100_000), 1, Topics.PAIRS_RAW, 0, 0L, T, "");
        assertThat(big.error()).hasSizeLessThanOrEqualTo(PairDeadLettered.MAX_ERROR_CHARS + 3);
        assertThat(validate("PairDeadLettered", big)).isEmpty();
    }
}
