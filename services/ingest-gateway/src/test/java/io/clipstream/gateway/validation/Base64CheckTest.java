package io.clipstream.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64CheckTest {

    @Test
    void agreesWithTheJdkDecoderOnValidInput() {
        Random random = new Random(3);
        for (int n = 0; n < 40; n++) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            assertThat(Base64Check.problem(Base64.getEncoder().encodeToString(b)))
                    .isNull();
            assertThat(Base64Check.problem(Base64.getEncoder().withoutPadding().encodeToString(b)))
                    .isNull();
        }
    }

    @Test
    void refusesWhatTheJdkDecoderRefuses() {
        for (String bad : new String[] {"abcde", "ab=c", "a\nbc", "ab c", "a-b_", "====", "ab==cd==", "abc=="}) {
            assertThat(Base64Check.problem(bad)).as(bad).isNotNull();
            try {
                Base64.getDecoder().decode(bad);
                org.assertj.core.api.Assertions.fail("the JDK accepts " + bad);
            } catch (IllegalArgumentException expected) {
                // both refuse
            }
        }
    }
}
