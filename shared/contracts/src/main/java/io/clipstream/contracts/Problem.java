package io.clipstream.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * An HTTP refusal as RFC 9457 problem details ({@code application/problem+json}) with a machine-readable
 * {@code reason} (a short upper-case code), the shape of every service's error bodies. The gateway's carries two more
 * fields of its own ({@code errors}, {@code pairIds}).
 *
 * @param type   {@code https://clipstream.io/problems/<reason in kebab case>}
 * @param title  what kind of refusal, for a person
 * @param detail this refusal, for a person
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String reason) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String reason, String title, String detail) {
        return new Problem(type(reason), title, status, detail, reason);
    }

    /** The problem type URI of a reason code. */
    public static String type(String reason) {
        return "https://clipstream.io/problems/"
                + reason.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
