package io.clipstream.curator.faults;

/**
 * The curator is stopping while a record waits for object storage. It escapes the processor on
 * purpose: the open transaction aborts and the record is processed again after the restart.
 */
public final class ShuttingDownException extends RuntimeException {
    ShuttingDownException(String what) {
        super(what + ": the curator is shutting down; the record is retried after the restart");
    }
}
