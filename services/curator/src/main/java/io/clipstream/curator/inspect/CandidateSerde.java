package io.clipstream.curator.inspect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of a {@link Candidate} on the curator's two repartition topics: the image bytes
 * as they are (JSON would base64 them, a third more bytes and an encode and a decode per hop) and
 * the fields length-prefixed. Internal to the curator, so a format version byte is enough.
 */
public final class CandidateSerde implements Serde<Candidate> {
    private static final byte VERSION = 1;

    @Override
    public Serializer<Candidate> serializer() {
        return (topic, c) -> c == null ? null : write(c);
    }

    @Override
    public Deserializer<Candidate> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(Candidate c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + (c.image() == null ? 0 : c.image().length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            for (String s : new String[] {
                c.pairId(),
                c.source(),
                c.domain(),
                c.profile(),
                c.text(),
                c.captionKey(),
                c.sha256(),
                c.perceptualHash(),
                c.imageFormat(),
                c.contentType(),
                c.rawTopic()
            }) {
                writeString(out, s);
            }
            out.writeInt(c.width());
            out.writeInt(c.height());
            out.writeDouble(c.sharpness());
            out.writeInt(c.rawPartition());
            out.writeLong(c.rawOffset());
            out.writeBoolean(c.submittedAt() != null);
            if (c.submittedAt() != null) {
                out.writeLong(c.submittedAt().getEpochSecond());
                out.writeInt(c.submittedAt().getNano());
            }
            out.writeInt(c.image().length);
            out.write(c.image());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Candidate read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("candidate format " + version + ", this curator reads " + VERSION);
            }
            String pairId = readString(in);
            String source = readString(in);
            String domain = readString(in);
            String profile = readString(in);
            String text = readString(in);
            String captionKey = readString(in);
            String sha256 = readString(in);
            String perceptualHash = readString(in);
            String imageFormat = readString(in);
            String contentType = readString(in);
            String rawTopic = readString(in);
            int width = in.readInt();
            int height = in.readInt();
            double sharpness = in.readDouble();
            int rawPartition = in.readInt();
            long rawOffset = in.readLong();
            Instant submittedAt = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
            byte[] image = new byte[in.readInt()];
            in.readFully(image);
            return new Candidate(
                    pairId,
                    source,
                    domain,
                    profile,
                    text,
                    captionKey,
                    sha256,
                    perceptualHash,
                    imageFormat,
                    contentType,
                    width,
                    height,
                    sharpness,
                    image,
                    submittedAt,
                    rawTopic,
                    rawPartition,
                    rawOffset);
        } catch (IOException e) {
            throw new SerializationException("unreadable candidate", e);
        }
    }

    /** Length-prefixed UTF-8 (int length, -1 for null): no 64 KB limit as with writeUTF. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
