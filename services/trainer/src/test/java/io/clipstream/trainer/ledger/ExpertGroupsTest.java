package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpertGroupsTest {
    private static PairRef pair(String domain) {
        return new PairRef("a".repeat(64), "p-1", domain, "images/aa/a.png", "a caption", 2, 17);
    }

    @Test
    void aMappedDomainTrainsItsExpertAndTheOthersTheirOwn() {
        ExpertGroups groups = new ExpertGroups(Map.of("sketch-2024", "sketch", "sketch-2025", "sketch"));
        assertThat(groups.apply(pair("sketch-2024"))).isEqualTo(pair("sketch"));
        assertThat(groups.apply(pair("sketch-2025")).domain()).isEqualTo("sketch");
        PairRef own = pair("inverted");
        assertThat(groups.apply(own)).isSameAs(own);
        assertThat(ExpertGroups.NONE.expertOf("sketch-2024")).isEqualTo("sketch-2024");
    }

    @Test
    void anInvalidExpertNameOrAChainIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ExpertGroups(Map.of("a", "Not A Domain!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expert-of.a");
        assertThatThrownBy(() -> new ExpertGroups(Map.of("a", "b", "b", "c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("map a onto c directly");
        assertThat(new ExpertGroups(Map.of("a", "b", "b", "b")).expertOf("a")).isEqualTo("b");
    }
}
