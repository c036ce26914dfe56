package io.clipstream.curator.dedup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The perceptual hashes already accepted for one caption, oldest first, with a compact binary serde. */
public record PerceptualHashes(List<Entry> entries) {

    public record Entry(long hash, String identity) {}

    public PerceptualHashes {
        entries = List.copyOf(entries);
    }

    public static PerceptualHashes empty() {
        return new PerceptualHashes(List.of());
    }

    /** The first entry of another pair within {@code maxDistance} bits of {@code hash}. */
    public Optional<Entry> nearest(long hash, String identity, int maxDistance) {
        Entry best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Entry e : entries) {
            int d = Long.bitCount(e.hash() ^ hash);
            if (d <= maxDistance && d < bestDistance && !e.identity().equals(identity)) {
                best = e;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    public boolean contains(String identity) {
        return entries.stream().anyMatch(e -> e.identity().equals(identity));
    }

    /** Appends, dropping the oldest entries beyond {@code capacity}. */
    public PerceptualHashes plus(Entry entry, int capacity) {
        List<Entry> next = new ArrayList<>(entries);
        next.add(entry);
        while (next.size() > capacity) {
            next.removeFirst();
        }
        return new PerceptualHashes(next);
    }

    public static Serde<PerceptualHashes> serde() {
        Serializer<PerceptualHashes> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + value.entries.size() * 48);
                    DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(1); // format version
                out.writeInt(value.entries.size());
                for (Entry e : value.entries) {
                    out.writeLong(e.hash());
                    out.writeUTF(e.identity());
                }
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Deserializer<PerceptualHashes> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int version = in.readByte();
                if (version != 1) {
                    throw new IllegalStateException("unknown PerceptualHashes format " + version);
                }
                int n = in.readInt();
                List<Entry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(new Entry(in.readLong(), in.readUTF()));
                }
                return new PerceptualHashes(entries);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
