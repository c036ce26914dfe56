package io.clipstream.continual.gate;

import java.util.List;

/** Outcome of the evaluation gate: blessed (promote) or not, with one human-readable reason per failed check. */
public record GateDecision(boolean blessed, List<String> reasons, List<String> checks) {
    public GateDecision {
        reasons = List.copyOf(reasons);
        checks = List.copyOf(checks);
    }

    public String verdict() {
        return blessed ? "PROMOTED" : "REJECTED";
    }
}
