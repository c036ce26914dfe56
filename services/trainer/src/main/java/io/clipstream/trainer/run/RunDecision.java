package io.clipstream.trainer.run;

import io.clipstream.continual.engine.ContinualLearner.IncrementReport;
import io.clipstream.contracts.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run decided, from its increments: one for a strategy of one adapter (the gate decides for every domain of the
 * run), one per domain for a routed strategy (each domain's expert promoted or rejected on its own). The run promotes
 * when any increment did; its rejected domains' pairs are quarantined.
 */
record RunDecision(List<IncrementReport> reports) {
    RunDecision {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a run decides at least one increment");
        }
        reports = List.copyOf(reports);
    }

    static RunDecision of(List<IncrementReport> reports) {
        return new RunDecision(reports);
    }

    boolean promoted() {
        return reports.stream().anyMatch(IncrementReport::promoted);
    }

    Set<String> promotedDomains() {
        return domains(true);
    }

    Set<String> rejectedDomains() {
        return domains(false);
    }

    private Set<String> domains(boolean promoted) {
        Set<String> out = new LinkedHashSet<>();
        reports.stream().filter(r -> r.promoted() == promoted).forEach(r -> out.addAll(r.domains()));
        return out;
    }

    /**
     * The domains of {@code trained} whose pairs join their replay reservoir: each promoted domain, and with experts
     * ({@code routed}) the base domain whatever the gate said of its refinement. The router tells every later domain
     * from the base domain's reservoir and routes the base domain whatever its expert: without its pairs no new domain
     * could be routed until a refinement of the base passes the gate. (They also replay into later experts' training,
     * as any base pair would; they stay quarantined for the base domain's own expert.)
     */
    Set<String> reservoirDomains(Set<String> trained, boolean routed, String baseDomain) {
        Set<String> out = new LinkedHashSet<>();
        for (String d : trained) {
            if (promotedDomains().contains(d) || routed && d.equals(baseDomain)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The gate's reasons for rejecting {@code domain}'s increment. */
    List<String> reasonsOf(String domain) {
        return reports.stream()
                .filter(r -> r.domains().contains(domain))
                .findFirst()
                .map(r -> r.decision().reasons())
                .orElse(List.of());
    }

    /**
     * Why what was rejected was: the gate's reasons as they are for a run of one increment, each prefixed with its
     * domain for a run of several (a reason about an earlier domain is a reason to reject the new one).
     */
    List<String> reasons() {
        if (reports.size() == 1) {
            return reports.getFirst().promoted()
                    ? List.of()
                    : reports.getFirst().decision().reasons();
        }
        List<String> out = new ArrayList<>();
        for (IncrementReport r : reports) {
            if (r.promoted()) {
                continue;
            }
            for (String reason : r.decision().reasons()) {
                out.add(String.join("+", r.domains()) + " rejected: " + reason);
            }
        }
        return out;
    }

    /** The metrics of the candidate a rejected run measured last. */
    Map<String, Map<String, Double>> candidateAnchors() {
        return reports.getLast().candidateAnchors();
    }

    /** What is promoted at the end of the run, measured on the run's anchors. */
    Map<String, Map<String, Double>> promotedAnchors() {
        return reports.getLast().promotedAnchors();
    }

    /** The champion's metrics on the run's anchors, before the run. */
    Map<String, Map<String, Double>> baseline() {
        return reports.getFirst().baseline();
    }

    /** The version's gate record: every increment's checks; the rejected ones' reasons. */
    ModelVersion.Gate gate() {
        if (reports.size() == 1) {
            IncrementReport r = reports.getFirst();
            return new ModelVersion.Gate(
                    r.decision().blessed(),
                    r.chosen(),
                    r.decision().reasons(),
                    r.decision().checks());
        }
        List<String> checks = new ArrayList<>();
        for (IncrementReport r : reports) {
            r.decision().checks().forEach(c -> checks.add(String.join("+", r.domains()) + ": " + c));
        }
        return new ModelVersion.Gate(
                promoted(), "experts of " + String.join(", ", promotedDomains()), reasons(), checks);
    }
}
