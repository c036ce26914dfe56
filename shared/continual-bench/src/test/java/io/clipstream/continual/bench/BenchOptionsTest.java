package io.clipstream.continual.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.clip.lora.LoraConfig;
import org.junit.jupiter.api.Test;

/** The augmentation switches of the base training and of the increments, and the increments' adapter. */
class BenchOptionsTest {

    @Test
    void augmentationIsOffByDefaultAndEachSwitchSetsOnlyItsOwnPhase() {
        BenchOptions defaults = BenchOptions.parse(new String[0]);
        assertThat(defaults.baseAugment).isFalse();
        assertThat(defaults.augment).isFalse();

        BenchOptions base = BenchOptions.parse(new String[] {"--base-augment", "on"});
        assertThat(base.baseAugment).isTrue();
        assertThat(base.augment).isFalse();

        BenchOptions inc = BenchOptions.parse(new String[] {"--augment", "on", "--base-augment", "off"});
        assertThat(inc.augment).isTrue();
        assertThat(inc.baseAugment).isFalse();
    }

    @Test
    void theAdapterDefaultsToRank8OnAttentionAndMlpAndAlphaFollowsTheRank() {
        LoraConfig defaults = BenchOptions.parse(new String[0]).lora;
        assertThat(defaults.r()).isEqualTo(8);
        assertThat(defaults.alpha()).isEqualTo(16f);
        assertThat(defaults.targetModules()).isEqualTo(LoraConfig.ATTENTION_AND_MLP_TARGETS);

        LoraConfig narrow = BenchOptions.parse(new String[] {"--lora-targets", "attention", "--lora-rank", "4"}).lora;
        assertThat(narrow.r()).isEqualTo(4);
        assertThat(narrow.alpha()).isEqualTo(8f);
        assertThat(narrow.targetModules()).isEqualTo(LoraConfig.ATTENTION_TARGETS);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--lora-targets", "mlp"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attention or attention+mlp");
    }

    @Test
    void aSwitchTakesOnlyOnOrOff() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--augment", "yes"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--augment takes on or off, not yes");
    }
}
