package io.clipstream.contracts;

/** The bytes of a record could not be read as the event type the topic carries. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(Class<?> type, String detail, Throwable cause) {
        super("not a valid " + type.getSimpleName() + ": " + detail, cause);
    }
}
