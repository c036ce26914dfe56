package io.clipstream.trainer.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.clipstream.contracts.Json;
import io.clipstream.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Small JSON documents in object storage (ledger, lock, anchors, replay reservoirs). */
public final class JsonObjects {
    private final ObjectStore store;

    public JsonObjects(ObjectStore store) {
        this.store = store;
    }

    public ObjectStore store() {
        return store;
    }

    public <T> Optional<T> read(String key, Class<T> type) {
        return read(key, Json.mapper().constructType(type));
    }

    public <T> Optional<T> read(String key, TypeReference<T> type) {
        return read(key, Json.mapper().constructType(type));
    }

    private <T> Optional<T> read(String key, JavaType type) {
        return store.get(key).map(b -> {
            try {
                return Json.mapper().<T>readValue(b, type);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + key, e);
            }
        });
    }

    public void write(String key, Object value) {
        store.put(key, Json.write(value), "application/json");
    }

    /** Writes only if nothing is at the key; true if this call wrote it. */
    public boolean create(String key, Object value) {
        return store.putIfAbsent(key, Json.write(value), "application/json");
    }
}
