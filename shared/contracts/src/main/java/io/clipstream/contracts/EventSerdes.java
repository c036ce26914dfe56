package io.clipstream.contracts;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serdes for the ClipStream events (JSON through {@link Json}). */
public final class EventSerdes {
    private EventSerdes() {}

    public static <T> Serde<T> json(Class<T> type) {
        return Serdes.serdeFrom(serializer(), deserializer(type));
    }

    public static <T> Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : Json.write(value);
    }

    /** Throws {@link MalformedEventException} on unreadable bytes; tombstones (null) stay null. */
    public static <T> Deserializer<T> deserializer(Class<T> type) {
        return (topic, bytes) -> bytes == null ? null : Json.read(bytes, type);
    }

    public static Serde<PairSubmitted> pairSubmitted() {
        return json(PairSubmitted.class);
    }

    public static Serde<PairCurated> pairCurated() {
        return json(PairCurated.class);
    }

    public static Serde<PairRejected> pairRejected() {
        return json(PairRejected.class);
    }

    public static Serde<PairDeadLettered> pairDeadLettered() {
        return json(PairDeadLettered.class);
    }

    public static Serde<TrainingRun> trainingRun() {
        return json(TrainingRun.class);
    }

    public static Serde<ModelVersion> modelVersion() {
        return json(ModelVersion.class);
    }

    public static Serde<IndexEvent> indexEvent() {
        return json(IndexEvent.class);
    }
}
