package io.clipstream.curator.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CaptionCleanerTest {

    @Test
    void stripsTagsScriptsAndComments() {
        assertThat(CaptionCleaner.clean("<p>A <b>red</b> dress</p><script>alert('x')</script><!-- c -->"))
                .isEqualTo("A red dress");
        assertThat(CaptionCleaner.clean("<div class=\"x\">summer<br/>hat</div>")).isEqualTo("summer hat");
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
        assertThat(CaptionCleaner.clean("  a\u0000b\tc\n\nd\u200Be\uFEFF \u00a0 f\u2003g  ")).isEqualTo("ab c de f g");
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
}
