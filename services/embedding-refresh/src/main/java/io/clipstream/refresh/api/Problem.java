package io.clipstream.refresh.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details ({@code application/problem+json}) with a machine-readable {@code reason}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String reason) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
