package io.clipstream.curator.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import org.junit.jupiter.api.Test;

class CaptionCheckTest {
    private static final QualityProfile P = QualityProfile.defaults();

    @Test
    void goodCaptionPassesCleaned() {
        CaptionCheck check = CaptionCheck.of("  A <i>red</i>   summer dress ", P);
        assertThat(check.passed()).isTrue();
        assertThat(check.cleaned()).isEqualTo("A red summer dress");
    }

    @Test
    void emptyAfterCleaning() {
        assertThat(CaptionCheck.of("", P).reasons()).containsExactly(ReasonCode.TEXT_EMPTY);
        assertThat(CaptionCheck.of(null, P).reasons()).containsExactly(ReasonCode.TEXT_EMPTY);
        assertThat(CaptionCheck.of("<br/> \n\t", P).reasons()).containsExactly(ReasonCode.TEXT_EMPTY);
    }

    @Test
    void tooShort() {
        assertThat(CaptionCheck.of("hat", P).reasons()).containsExactly(ReasonCode.TEXT_TOO_SHORT);
    }

    @Test
    void tooLongBeforeOrAfterCleaning() {
        assertThat(CaptionCheck.of("word ".repeat(300), P).reasons()).containsExactly(ReasonCode.TEXT_TOO_LONG);
        assertThat(CaptionCheck.of("x".repeat(100_000), P).reasons()).containsExactly(ReasonCode.TEXT_TOO_LONG);
    }

    @Test
    void noLettersIsNotText() {
        assertThat(CaptionCheck.of("1234567 !!! ### 42", P).reasons()).containsExactly(ReasonCode.TEXT_NOT_TEXT);
        assertThat(CaptionCheck.of("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", P)
                        .reasons())
                .containsExactly(ReasonCode.TEXT_NOT_TEXT);
        assertThat(CaptionCheck.of("a 1234567890 ++++ ----", P).reasons()).containsExactly(ReasonCode.TEXT_NOT_TEXT);
    }

    @Test
    void digitsAmongWordsAreFine() {
        assertThat(CaptionCheck.of("1990 BMW 318i, 4-door", P).passed()).isTrue();
        assertThat(CaptionCheck.of("Платье летнее красное", P).passed()).isTrue();
        assertThat(CaptionCheck.of("赤い夏のドレス", P).passed()).isTrue();
    }
}
