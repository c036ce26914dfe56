package io.clipstream.curator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QualityProfilesTest {
    private static final QualityProfile D = QualityProfile.defaults();

    private static QualityProfile named(String name, int minSide) {
        return new QualityProfile(
                name,
                D.maxImageBytes(),
                D.maxPixels(),
                minSide,
                D.maxAspectRatio(),
                D.minSharpness(),
                D.minTextChars(),
                D.maxTextChars(),
                D.minLetterRatio(),
                D.nearDuplicateMaxDistance());
    }

    @Test
    void profileWithoutSelectorsMatchesItsNameAsSourceOrDomain() {
        QualityProfiles p =
                new QualityProfiles(D, List.of(new QualityProfiles.Named(named("fashion-mnist", 28), null, null)));
        assertThat(p.select("fashion-mnist", null).minSide()).isEqualTo(28);
        assertThat(p.select("someone", "fashion-mnist").minSide()).isEqualTo(28);
        assertThat(p.select("someone", "photos").name()).isEqualTo("default");
        assertThat(p.select(null, null).name()).isEqualTo("default");
    }

    @Test
    void sourceMatchWinsOverDomainMatch() {
        QualityProfiles p = new QualityProfiles(
                D,
                List.of(
                        new QualityProfiles.Named(named("thumbs", 64), List.of("shop-a"), List.of()),
                        new QualityProfiles.Named(named("medical", 512), List.of(), List.of("xray"))));
        assertThat(p.select("shop-a", "xray").name()).isEqualTo("thumbs");
        assertThat(p.select("shop-b", "xray").name()).isEqualTo("medical");
        assertThat(p.named("medical").minSide()).isEqualTo(512);
        assertThat(p.named("gone").name()).isEqualTo("default");
    }

    @Test
    void rejectsInconsistentThresholds() {
        assertThatThrownBy(() -> new QualityProfile("bad", 1, 1, 1, 0.5, 0, 1, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
