package io.clipstream.curator.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A name for this curator instance that survives its restarts: kept in a file beside the streams'
 * state (which Kafka Streams keys its own process id by, too). The store stage's transactional id
 * ends with it, so a restarted instance fences its predecessor's open transaction at once instead
 * of leaving read_committed readers of pairs.curated waiting for the broker to time it out.
 */
public final class InstanceId {
    private InstanceId() {}

    public static String load(Path file) {
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String id = UUID.randomUUID().toString();
            Path tmp = Files.createTempFile(
                    file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, id, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the instance id " + file, e);
        }
    }
}
