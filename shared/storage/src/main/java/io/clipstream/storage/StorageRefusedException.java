package io.clipstream.storage;

/**
 * The store (or the client, before sending) refused this request for what it is: an invalid key,
 * a 4xx other than 404/408/429. Retrying the same request gives the same answer.
 */
public class StorageRefusedException extends StorageException {
    public StorageRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
