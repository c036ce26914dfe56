package io.clipstream.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapping of ClipStream events: ISO-8601 instants, nulls omitted, unknown fields tolerated. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** @throws MalformedEventException when the bytes are not a JSON document of that type */
    public static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new MalformedEventException(type, "null payload", null);
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new MalformedEventException(type, "JSON null", null);
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedEventException(type, e.getMessage(), e);
        }
    }
}
