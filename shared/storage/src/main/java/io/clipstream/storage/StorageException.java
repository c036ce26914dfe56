package io.clipstream.storage;

/** An object-store operation failed after all its attempts. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
