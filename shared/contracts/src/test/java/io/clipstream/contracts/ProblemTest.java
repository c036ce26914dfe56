package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ProblemTest {
    @Test
    void aReasonNamesItsTypeAndEmptyFieldsAreLeftOut() throws Exception {
        Problem p = Problem.of(404, "NOT_QUARANTINED", "Not Found", null);
        assertThat(p.type()).isEqualTo("https://clipstream.io/problems/not-quarantined");
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsBytes(p));
        assertThat(json.get("status").asInt()).isEqualTo(404);
        assertThat(json.get("reason").asText()).isEqualTo("NOT_QUARANTINED");
        assertThat(json.has("detail")).isFalse();
    }
}
