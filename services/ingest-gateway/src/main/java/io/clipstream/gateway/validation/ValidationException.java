package io.clipstream.gateway.validation;

import io.clipstream.contracts.ReasonCode;

import java.util.List;

/** The request has the wrong shape; carries every violation found (all-or-nothing). */
public final class ValidationException extends RuntimeException {
    private final ReasonCode reason;
    private final List<FieldError> errors;

    public ValidationException(ReasonCode reason, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public ValidationException(ReasonCode reason, String detail) {
        this(reason, detail, List.of());
    }

    /** Reason of the first violation; the problem body lists all of them. */
    public static ValidationException of(List<FieldError> errors) {
        FieldError first = errors.getFirst();
        String detail = errors.size() == 1
                ? first.pointer() + ": " + first.detail()
                : errors.size() + " fields are invalid; first " + first.pointer() + ": " + first.detail();
        return new ValidationException(first.reason(), detail, errors);
    }

    public ReasonCode reason() {
        return reason;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
