package io.clipstream.gateway.validation;

import io.clipstream.contracts.ReasonCode;

/**
 * One shape violation. {@code pointer} is a JSON Pointer (RFC 6901) into the request body, or the
 * multipart part name prefixed with {@code #}, e.g. {@code /pairs/3/imageBase64} or {@code #image}.
 */
public record FieldError(String pointer, ReasonCode reason, String detail) {}
