package io.clipstream.continual.engine;

import io.clipstream.continual.train.DistillScope;
import java.util.List;

/**
 * How increments are run.
 *
 * @param name         label in reports
 * @param replay       replay share of each batch (0 = off)
 * @param distill      KL distillation weight (0 = off)
 * @param l2           L2 pull toward the previous adapter (0 = off)
 * @param gate         evaluation gate on (a rejected candidate leaves the previous model in place)
 * @param wiseAlphas   WiSE-FT alphas tried (in order) when the gate rejects; empty = none
 * @param mergeFresh   merge the adapter into the weights after every promoted increment and start a fresh one
 * @param joint        joint training: every increment trains on all domains seen so far, from the base adapter
 * @param dann         domain-adversarial loss weight (0 = off)
 * @param distillScope which pairs of a batch the distillation is computed on
 * @param routed       an adapter per domain (an expert, trained from a fresh adapter on its domain's data only) and a
 *                     router that picks an image's expert from the image ({@link io.clipstream.continual.routing})
 */
public record Strategy(
        String name,
        double replay,
        float distill,
        float l2,
        boolean gate,
        List<Float> wiseAlphas,
        boolean mergeFresh,
        boolean joint,
        float dann,
        DistillScope distillScope,
        boolean routed) {

    public Strategy(
            String name,
            double replay,
            float distill,
            float l2,
            boolean gate,
            List<Float> wiseAlphas,
            boolean mergeFresh,
            boolean joint,
            float dann,
            DistillScope distillScope) {
        this(name, replay, distill, l2, gate, wiseAlphas, mergeFresh, joint, dann, distillScope, false);
    }

    /** A strategy that distils on the whole batch (the default scope). */
    public Strategy(
            String name,
            double replay,
            float distill,
            float l2,
            boolean gate,
            List<Float> wiseAlphas,
            boolean mergeFresh,
            boolean joint,
            float dann) {
        this(name, replay, distill, l2, gate, wiseAlphas, mergeFresh, joint, dann, DistillScope.BATCH);
    }

    public static Strategy naive() {
        return new Strategy("naive", 0, 0, 0, false, List.of(), false, false, 0);
    }

    public static Strategy guarded() {
        return new Strategy("guarded", 0.5, 1.0f, 0.01f, true, List.of(0.75f, 0.5f, 0.25f), false, false, 0);
    }

    public static Strategy guardedMergeFresh() {
        return new Strategy("guarded+merge-fresh", 0.5, 1.0f, 0.01f, true, List.of(0.75f, 0.5f, 0.25f), true, false, 0);
    }

    /** {@link #guarded()} distilling on the replayed pairs only ({@link DistillScope#REPLAY}). */
    public static Strategy guardedDistillReplay() {
        return guarded().withDistillScope("guarded-distill-replay", DistillScope.REPLAY);
    }

    /**
     * An expert per domain behind the gate: each increment trains a fresh adapter on the new domain, half of every
     * batch replayed from earlier domains (so that an image the router sends to it by mistake is still understood), no
     * distillation or pull (nothing it does can change another domain's expert), and the gate judges the routed
     * model, so an earlier domain can only lose what the router sends to the new expert by mistake.
     */
    public static Strategy routedExperts() {
        return new Strategy("routed", 0.5, 0, 0, true, List.of(), false, false, 0, DistillScope.BATCH, true);
    }

    public static Strategy jointTraining() {
        return new Strategy("joint", 0, 0, 0, false, List.of(), false, true, 0);
    }

    /**
     * A guard that {@link #without} can switch off, so that its effect can be measured (CLI suffix {@code -no-<id>}).
     */
    public enum Guard {
        REPLAY("replay"),
        DISTILL("distill"),
        L2("l2"),
        /** the evaluation gate; switching it off also switches WiSE-FT off (WiSE-FT only runs on a rejection) */
        GATE("gate"),
        /** WiSE-FT before rejecting: with the gate on, a rejected candidate is rolled back directly */
        WISE("wise");

        private final String id;

        Guard(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Guard byId(String id) {
            for (Guard g : values()) {
                if (g.id.equals(id)) {
                    return g;
                }
            }
            throw new IllegalArgumentException("unknown guard " + id + " (one of replay, distill, l2, gate, wise)");
        }
    }

    /**
     * The strategy a name selects: naive, guarded, guarded-distill-replay, joint, merge-fresh, and for the gated
     * ones any number of {@code -no-<guard>} suffixes ({@link Guard}), e.g. {@code guarded-no-distill}, each
     * switching one guard off.
     */
    public static Strategy named(String name) {
        String[] parts = name.split("-no-", -1);
        Strategy s = switch (parts[0]) {
            case "naive" -> naive();
            case "guarded" -> guarded();
            case "guarded-distill-replay" -> guardedDistillReplay();
            case "joint" -> jointTraining();
            case "merge-fresh" -> guardedMergeFresh();
            case "routed" -> routedExperts();
            default ->
                throw new IllegalArgumentException("unknown strategy " + name
                        + " (one of naive, guarded, guarded-distill-replay, joint, merge-fresh, routed)");
        };
        if (parts.length > 1 && !s.gate()) {
            throw new IllegalArgumentException(
                    "strategy " + name + ": guards can only be switched off on guarded or merge-fresh");
        }
        for (int i = 1; i < parts.length; i++) {
            s = s.without(Guard.byId(parts[i]));
        }
        return s;
    }

    /** This strategy with one guard switched off, named {@code <name>-no-<guard>}; everything else unchanged. */
    public Strategy without(Guard g) {
        String n = name + "-no-" + g.id();
        return switch (g) {
            case REPLAY ->
                new Strategy(n, 0, distill, l2, gate, wiseAlphas, mergeFresh, joint, dann, distillScope, routed);
            case DISTILL ->
                new Strategy(n, replay, 0, l2, gate, wiseAlphas, mergeFresh, joint, dann, distillScope, routed);
            case L2 ->
                new Strategy(n, replay, distill, 0, gate, wiseAlphas, mergeFresh, joint, dann, distillScope, routed);
            case GATE ->
                new Strategy(n, replay, distill, l2, false, List.of(), mergeFresh, joint, dann, distillScope, routed);
            case WISE ->
                new Strategy(n, replay, distill, l2, gate, List.of(), mergeFresh, joint, dann, distillScope, routed);
        };
    }

    /** The same strategy with another replay share, distillation weight and WiSE-FT alphas (same name). */
    public Strategy withGuards(double replayShare, float distillWeight, List<Float> alphas) {
        return new Strategy(
                name,
                replayShare,
                distillWeight,
                l2,
                gate,
                List.copyOf(alphas),
                mergeFresh,
                joint,
                dann,
                distillScope,
                routed);
    }

    public Strategy withDann(float w) {
        return new Strategy(
                name + "+dann", replay, distill, l2, gate, wiseAlphas, mergeFresh, joint, w, distillScope, routed);
    }

    public Strategy withDistillScope(String newName, DistillScope scope) {
        return new Strategy(newName, replay, distill, l2, gate, wiseAlphas, mergeFresh, joint, dann, scope, routed);
    }
}
