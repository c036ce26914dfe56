package io.clipstream.continual.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.train.DistillScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code --strategies} names of the guard ablation switch exactly one guard off each. */
class StrategyNamesTest {
    private static final Strategy GUARDED = Strategy.guarded();

    @Test
    void baseNamesAreTheDefaultStrategies() {
        assertThat(ContinualBench.strategy("naive", false)).isEqualTo(Strategy.naive());
        assertThat(ContinualBench.strategy("guarded", false)).isEqualTo(GUARDED);
        assertThat(ContinualBench.strategy("joint", false)).isEqualTo(Strategy.jointTraining());
        assertThat(ContinualBench.strategy("merge-fresh", false)).isEqualTo(Strategy.guardedMergeFresh());
        assertThat(GUARDED.replay()).isPositive();
        assertThat(GUARDED.distill()).isPositive();
        assertThat(GUARDED.l2()).isPositive();
        assertThat(GUARDED.gate()).isTrue();
        assertThat(GUARDED.wiseAlphas()).isNotEmpty();
        assertThat(GUARDED.distillScope()).isEqualTo(DistillScope.BATCH);
    }

    @Test
    void guardedDistillReplayDiffersFromGuardedOnlyInTheDistillationScope() {
        Strategy r = ContinualBench.strategy("guarded-distill-replay", false);
        assertThat(r).isEqualTo(GUARDED.withDistillScope("guarded-distill-replay", DistillScope.REPLAY));
        assertThat(r.withDistillScope(GUARDED.name(), DistillScope.BATCH)).isEqualTo(GUARDED);
        assertThat(ContinualBench.strategy("guarded-distill-replay-no-l2", false)
                        .distillScope())
                .isEqualTo(DistillScope.REPLAY);
    }

    @Test
    void eachSuffixSwitchesOneGuardOff() {
        assertThat(ContinualBench.strategy("guarded-no-replay", false))
                .isEqualTo(new Strategy(
                        "guarded-no-replay",
                        0,
                        GUARDED.distill(),
                        GUARDED.l2(),
                        true,
                        GUARDED.wiseAlphas(),
                        false,
                        false,
                        0));
        assertThat(ContinualBench.strategy("guarded-no-distill", false))
                .isEqualTo(new Strategy(
                        "guarded-no-distill",
                        GUARDED.replay(),
                        0,
                        GUARDED.l2(),
                        true,
                        GUARDED.wiseAlphas(),
                        false,
                        false,
                        0));
        assertThat(ContinualBench.strategy("guarded-no-l2", false))
                .isEqualTo(new Strategy(
                        "guarded-no-l2",
                        GUARDED.replay(),
                        GUARDED.distill(),
                        0,
                        true,
                        GUARDED.wiseAlphas(),
                        false,
                        false,
                        0));
        // the gate off implies WiSE-FT off (it only runs on a rejection)
        assertThat(ContinualBench.strategy("guarded-no-gate", false))
                .isEqualTo(new Strategy(
                        "guarded-no-gate",
                        GUARDED.replay(),
                        GUARDED.distill(),
                        GUARDED.l2(),
                        false,
                        List.of(),
                        false,
                        false,
                        0));
        assertThat(ContinualBench.strategy("guarded-no-wise", false))
                .isEqualTo(new Strategy(
                        "guarded-no-wise",
                        GUARDED.replay(),
                        GUARDED.distill(),
                        GUARDED.l2(),
                        true,
                        List.of(),
                        false,
                        false,
                        0));
    }

    @Test
    void suffixesCombineAndApplyToMergeFreshAndDann() {
        Strategy s = ContinualBench.strategy("merge-fresh-no-replay-no-l2", true);
        assertThat(s.name()).isEqualTo("guarded+merge-fresh-no-replay-no-l2+dann");
        assertThat(s.replay()).isZero();
        assertThat(s.l2()).isZero();
        assertThat(s.distill()).isEqualTo(GUARDED.distill());
        assertThat(s.gate()).isTrue();
        assertThat(s.mergeFresh()).isTrue();
        assertThat(s.dann()).isPositive();
        assertThat(ContinualBench.strategy("guarded-no-gate", true).dann()).isPositive();
        assertThat(ContinualBench.strategy("naive", true).dann()).isZero();
    }

    @Test
    void badNamesFailWhenTheOptionsAreParsed() {
        assertThat(BenchOptions.parse(new String[] {"--strategies", "guarded,guarded-no-replay,guarded-no-gate"})
                        .strategies)
                .containsExactly("guarded", "guarded-no-replay", "guarded-no-gate");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--strategies", "guarded-no-teacher"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown guard teacher");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--strategies", "naive-no-replay"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("naive-no-replay");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--strategies", "guarded,gaurded"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown strategy gaurded");
    }
}
