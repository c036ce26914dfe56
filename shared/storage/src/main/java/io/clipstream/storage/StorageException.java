package io.clipstream.storage;

/**
 * An object-store operation failed after all its attempts. Callers that must tell a fault of the
 * request from a fault of the store catch one of the two subclasses.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
