package io.clipstream.storage;

/**
 * The store could not be reached or did not answer well: connection refused or reset, a timeout, a
 * 5xx, 408 or 429. The same request may succeed later; retry it, do not blame the data.
 */
public class StorageUnavailableException extends StorageException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
