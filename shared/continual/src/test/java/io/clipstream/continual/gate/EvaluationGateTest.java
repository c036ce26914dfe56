package io.clipstream.continual.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationGateTest {
    final EvaluationGate gate = new EvaluationGate(GateConfig.defaults());
    final Map<String, Double> previous = Map.of("orig", 0.80, "inv", 0.70, "rot", 0.30);

    @Test
    void rejectsACandidateThatDestroysAnEarlierDomain() {
        Map<String, Double> cand = Map.of("orig", 0.79, "inv", 0.20, "rot", 0.75);
        GateDecision d = gate.evaluate(cand, previous, "rot", List.of("orig", "inv"), "orig");
        assertThat(d.blessed()).isFalse();
        assertThat(d.verdict()).isEqualTo("REJECTED");
        assertThat(d.reasons()).singleElement().asString().contains("inv").contains("dropped 50.0");
    }

    @Test
    void acceptsACandidateWithinTheBound() {
        Map<String, Double> cand = Map.of("orig", 0.791, "inv", 0.705, "rot", 0.75);
        GateDecision d = gate.evaluate(cand, previous, "rot", List.of("orig", "inv"), "orig");
        assertThat(d.blessed()).isTrue();
        assertThat(d.reasons()).isEmpty();
        assertThat(d.checks()).hasSize(3);
    }

    @Test
    void rejectsWhenTheBaseDomainDropsOrTheNewDomainGetsWorse() {
        GateDecision base = gate.evaluate(Map.of("orig", 0.75, "inv", 0.70, "rot", 0.75), previous, "rot", List.of("inv"), "orig");
        assertThat(base.blessed()).isFalse();
        assertThat(base.reasons()).anyMatch(r -> r.contains("orig"));
        GateDecision worse = gate.evaluate(Map.of("orig", 0.80, "inv", 0.70, "rot", 0.29), previous, "rot", List.of("orig", "inv"), "orig");
        assertThat(worse.blessed()).isFalse();
        assertThat(worse.reasons()).anyMatch(r -> r.contains("new domain rot got worse"));
    }

    @Test
    void noBaselineSkipsChangeThresholdsButKeepsValueThresholds() {
        Map<String, Double> cand = Map.of("orig", 0.1, "inv", 0.1, "rot", 0.4);
        assertThat(gate.evaluate(cand, null, "rot", List.of("orig", "inv"), "orig").blessed()).isTrue();
        EvaluationGate strict = new EvaluationGate(new GateConfig(1.0, 0.0, 0.5));
        GateDecision d = strict.evaluate(cand, null, "rot", List.of(), "orig");
        assertThat(d.blessed()).isFalse();
        assertThat(d.reasons()).anyMatch(r -> r.contains("below minimum"));
    }
}
