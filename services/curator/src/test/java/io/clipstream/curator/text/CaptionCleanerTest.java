package io.clipstream.curator.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptionCleanerTest {

    @Test
    void stripsTagsScriptsAndComments() {
        assertThat(CaptionCleaner.clean("<p>A <b>red</b> dress</p><script>alert('x')</script><!-- c -->"))
                .isEqualTo("A red dress");
        assertThat(CaptionCleaner.clean("<div class=\"x\">summer<br/>hat</div>"))
                .isEqualTo("summer hat");
    }

    @Test
    void decodesEntities() {
        assertThat(CaptionCleaner.clean("Fish &amp; chips &#8211; &#x1F600; &lt;3 &nbsp;caf&eacute;"))
                .isEqualTo("Fish & chips \u2013 \uD83D\uDE00 <3 café");
        assertThat(CaptionCleaner.clean("&unknown; stays")).isEqualTo("&unknown; stays");
    }

    @Test
    void appliesNfc() {
        String decomposed = "cafe\u0301"; // e + combining acute accent
        assertThat(CaptionCleaner.clean(decomposed)).isEqualTo("caf\u00e9").hasSize(4);
    }

    @Test
    void removesControlAndFormatCharactersAndCollapsesWhitespace() {
        assertThat(CaptionCleaner.clean("  a\u0000b\tc\n\nd\u200Be\uFEFF \u00a0 f\u2003g  "))
                .isEqualTo("ab c de f g");
    }

    @Test
    void nullAndMarkupOnlyBecomeEmpty() {
        assertThat(CaptionCleaner.clean(null)).isEmpty();
        assertThat(CaptionCleaner.clean("<img src=x><br>  \u0001")).isEmpty();
    }

    @Test
    void captionKeyIgnoresCase() {
        assertThat(CaptionCleaner.captionKey("A Red Dress")).isEqualTo(CaptionCleaner.captionKey("a red dress"));
    }

    @Test
    void rightToLeftCaptionsKeepTheJoinersTheirWordsAreWrittenWith() {
        String persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \u06CC\u06A9 "
                + "\u0628\u0627\u062F\u0628\u0627\u062F\u06A9"; // mi-khaham: ZWNJ inside
        assertThat(CaptionCleaner.clean(persian)).isEqualTo(persian).contains("\u200C");
        String hebrew = "\u05E2\u05E4\u05D9\u05E4\u05D5\u05DF \u05D0\u05D3\u05D5\u05DD";
        assertThat(CaptionCleaner.clean(hebrew)).isEqualTo(hebrew);
        String family = "a family \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertThat(CaptionCleaner.clean(family)).isEqualTo(family);
    }

    @Test
    void bidiOverridesAndOtherInvisibleFormatCharactersStillGo() {
        assertThat(CaptionCleaner.clean("a \u202Eetik\u202C red\u00AD kite\uFEFF"))
                .isEqualTo("a etik red kite");
    }
}
