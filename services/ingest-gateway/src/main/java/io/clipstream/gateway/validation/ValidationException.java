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

    /** Most violations one problem body lists; the detail still counts them all. */
    public static final int MAX_LISTED_ERRORS = 100;

    /** Reason of the first violation; the problem body lists up to {@link #MAX_LISTED_ERRORS} of them. */
    public static ValidationException of(List<FieldError> errors) {
        FieldError first = errors.getFirst();
        String detail = errors.size() == 1
                ? first.pointer() + ": " + first.detail()
                : errors.size() + " fields are invalid"
                        + (errors.size() > MAX_LISTED_ERRORS ? " (the first " + MAX_LISTED_ERRORS + " are listed)" : "")
                        + "; first " + first.pointer() + ": " + first.detail();
        return new ValidationException(
                first.reason(),
                detail,
                errors.size() > MAX_LISTED_ERRORS ? errors.subList(0, MAX_LISTED_ERRORS) : errors);
    }

    public ReasonCode reason() {
        return reason;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
