package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.continual.engine.ContinualLearner.IncrementReport;
import io.clipstream.continual.gate.GateDecision;
import io.clipstream.contracts.ModelVersion;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunDecisionTest {
    private static IncrementReport report(String domain, boolean promoted, List<String> reasons, List<String> checks) {
        Map<String, Map<String, Double>> m = Map.of(domain, Map.of("zero_shot", promoted ? 0.6 : 0.1));
        return new IncrementReport(
                List.of(domain),
                promoted,
                promoted ? "candidate" : "previous (rejected)",
                new GateDecision(promoted, reasons, checks),
                Map.of(),
                m,
                m,
                List.of(),
                null,
                null);
    }

    private static Set<String> ordered(String... domains) {
        return new LinkedHashSet<>(List.of(domains));
    }

    @Test
    void aRunOfExpertsPromotesWhatPassedAndNamesTheDomainOfEveryReason() {
        RunDecision d = RunDecision.of(List.of(
                report(
                        "plain",
                        false,
                        List.of("new domain plain got worse on zero_shot"),
                        List.of("plain zero_shot: false")),
                report("dim", true, List.of(), List.of("new dim gained : true")),
                report(
                        "shuffled",
                        false,
                        List.of("new domain shuffled gained +0.0 points"),
                        List.of("shuffled gain: false"))));
        assertThat(d.promoted()).isTrue();
        assertThat(d.promotedDomains()).containsExactly("dim");
        assertThat(d.rejectedDomains()).containsExactly("plain", "shuffled");
        assertThat(d.reasonsOf("shuffled")).containsExactly("new domain shuffled gained +0.0 points");
        assertThat(d.reasons())
                .containsExactly(
                        "plain rejected: new domain plain got worse on zero_shot",
                        "shuffled rejected: new domain shuffled gained +0.0 points");
        ModelVersion.Gate gate = d.gate();
        assertThat(gate.blessed()).isTrue();
        assertThat(gate.chosen()).isEqualTo("experts of dim");
        assertThat(gate.checks())
                .containsExactly(
                        "plain: plain zero_shot: false",
                        "dim: new dim gained : true",
                        "shuffled: shuffled gain: false");
        assertThat(d.baseline()).isSameAs(d.reports().getFirst().baseline());
        assertThat(d.promotedAnchors()).isSameAs(d.reports().getLast().promotedAnchors());
    }

    @Test
    void aRunOfOneAdapterKeepsTheGatesOwnRecord() {
        RunDecision rejected = RunDecision.of(
                List.of(report("inverted", false, List.of("domain plain dropped 9 points"), List.of("c"))));
        assertThat(rejected.promoted()).isFalse();
        assertThat(rejected.reasons())
                .as("one increment: its reasons as the gate gave them")
                .containsExactly("domain plain dropped 9 points");
        assertThat(rejected.gate().chosen()).isEqualTo("previous (rejected)");
        assertThat(RunDecision.of(List.of(report("inverted", true, List.of(), List.of())))
                        .reasons())
                .isEmpty();
    }

    @Test
    void theBaseDomainsPairsReachItsReservoirWithExpertsEvenWhenItsRefinementIsRejected() {
        RunDecision d = RunDecision.of(List.of(
                report("plain", false, List.of("worse"), List.of()),
                report("dim", true, List.of(), List.of()),
                report("shuffled", false, List.of("nothing learnt"), List.of())));
        Set<String> trained = ordered("plain", "dim", "shuffled");
        assertThat(d.reservoirDomains(trained, true, "plain")).containsExactly("plain", "dim");
        assertThat(d.reservoirDomains(trained, false, "plain"))
                .as("one adapter routes nothing: promoted domains only")
                .containsExactly("dim");
        RunDecision none = RunDecision.of(List.of(report("plain", false, List.of("worse"), List.of())));
        assertThat(none.reservoirDomains(ordered("plain"), true, "plain")).containsExactly("plain");
    }
}
