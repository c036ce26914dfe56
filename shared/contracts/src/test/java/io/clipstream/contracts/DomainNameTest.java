package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"original", "sketch", "a", "0", "shop.shoes", "shop_shoes-2024", "x.y.z"})
    void acceptsNamesOfTheGrammar(String name) {
        assertThat(DomainName.isValid(name)).isTrue();
        assertThat(DomainName.problem(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "Upper",
                "x/../y",
                "..",
                "a..b",
                "a.",
                ".a",
                "-a",
                "_a",
                "a b",
                "a/b",
                "a\\b",
                "café",
                "ｓｋｅｔｃｈ",
                "a\u0000b",
                "a\nb",
                "*",
                "%2e%2e"
            })
    void refusesNamesOutsideTheGrammar(String name) {
        assertThat(DomainName.problem(name)).isPresent();
    }

    @Test
    void boundsTheLength() {
        assertThat(DomainName.isValid("a".repeat(63))).isTrue();
        assertThat(DomainName.problem("a".repeat(64))).get().asString().contains("at most 63");
        assertThat(DomainName.problem("a".repeat(300))).get().asString().contains("not 300");
        assertThat(DomainName.problem(null)).get().asString().contains("required");
    }

    @Test
    void requireNamesTheSettingAndTheRule() {
        assertThat(DomainName.require("ok", "x")).isEqualTo("ok");
        assertThatThrownBy(() -> DomainName.require("Bad", "clipstream.domains.base"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clipstream.domains.base 'Bad'");
    }
}
