package io.clipstream.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.testkit.Infra;
import io.clipstream.testkit.TcpGate;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The object store against a real S3 server (S3Proxy by default, MinIO in containers mode). */
class ObjectStoreIT {
    private static ObjectStore store;

    @BeforeAll
    static void connect() {
        Infra infra = Infra.shared();
        store = ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                .withBucket("storage-it-" + UUID.randomUUID().toString().substring(0, 8)));
        store.ensureBucket();
        store.ensureBucket(); // idempotent
        assertThat(store.bucketExists()).isTrue();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void contentAddressedPutIsIdempotent() {
        byte[] image = "not really a png, but bytes".getBytes(StandardCharsets.UTF_8);
        String key = ContentAddress.imageKey(ContentAddress.sha256Hex(image), "png");
        assertThat(store.exists(key)).isFalse();
        assertThat(store.putIfAbsent(key, image, "image/png")).isTrue();
        assertThat(store.putIfAbsent(key, image, "image/png")).isFalse();
        assertThat(store.exists(key)).isTrue();
        assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(image));
        assertThat(store.list("pairs/images/")).containsExactly(key);
    }

    @Test
    void putIfAbsentNeverOverwritesWithOrWithoutConditionalPuts() {
        for (boolean conditional : new boolean[] {true, false}) {
            try (ObjectStore s = ObjectStore.connect(StorageConfig.of(
                            Infra.shared().s3Endpoint(),
                            Infra.shared().s3AccessKey(),
                            Infra.shared().s3SecretKey())
                    .withBucket(store.bucket())
                    .withConditionalPut(conditional))) {
                String key = "inbox/once/" + conditional + "-" + UUID.randomUUID();
                assertThat(s.putIfAbsent(key, "first".getBytes(StandardCharsets.UTF_8), "text/plain"))
                        .isTrue();
                assertThat(s.putIfAbsent(key, "second".getBytes(StandardCharsets.UTF_8), "text/plain"))
                        .isFalse();
                assertThat(s.get(key))
                        .hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8))
                                .isEqualTo("first"));
            }
        }
    }

    @Test
    void missingObjectIsAnEmptyAnswer() {
        assertThat(store.get("pairs/text/nothing-here.json")).isEmpty();
        assertThat(store.exists("pairs/text/nothing-here.json")).isFalse();
    }

    @Test
    void putOverwritesAndLargeObjectsRoundTrip() {
        byte[] big = new byte[6 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        store.put("models/tiny/base/model.safetensors", big, "application/octet-stream");
        store.put("models/tiny/base/model.safetensors", big, "application/octet-stream");
        assertThat(store.get("models/tiny/base/model.safetensors"))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    }

    @Test
    void unreachableEndpointFailsAfterItsAttempts() {
        StorageConfig dead = StorageConfig.of("http://127.0.0.1:9", "k", "s").withRetries(Duration.ofMillis(500), 2);
        try (ObjectStore s = ObjectStore.connect(dead)) {
            assertThatThrownBy(() -> s.exists("x"))
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("after 2 attempts");
        }
    }

    @Test
    void keysTheClientOrTheServerRefuseAreRefusalsNotOutages() {
        // the MinIO client refuses '..' segments before sending: retrying cannot help
        assertThatThrownBy(() -> store.get("a/../b"))
                .isInstanceOf(StorageRefusedException.class)
                .hasMessageContaining("refused by the client");
        assertThatThrownBy(() -> store.put("a/../b", new byte[1], "image/png"))
                .isInstanceOf(StorageRefusedException.class);
    }

    /**
     * Many connections opened at once, then closed by the server while idle (S3Proxy's Jetty closes a connection idle
     * for 30 s; here a gate in front of the real server drops them, so the test need not wait 30 s): the next calls
     * must not pick connections the server closed (each attempt another stale one: "unexpected end of stream"). A
     * client that evicts idle connections before the server closes them ({@link ObjectStore#KEEP_ALIVE}, 15 s, half
     * of Jetty's 30) never sees one; one that keeps them longer does, which shows the gate closes what it should.
     */
    @Test
    void callsAfterTheServerClosedIdleConnectionsDoNotPickThem() throws InterruptedException {
        Duration keepAlive = Duration.ofMillis(500);
        assertThat(ObjectStore.KEEP_ALIVE).isLessThan(Duration.ofSeconds(30));
        Infra infra = Infra.shared();
        URI s3 = URI.create(infra.s3Endpoint());
        try (TcpGate gate = new TcpGate(s3.getHost(), s3.getPort())) {
            StorageConfig viaGate = StorageConfig.of(
                            "http://" + s3.getHost() + ":" + gate.port(), infra.s3AccessKey(), infra.s3SecretKey())
                    .withBucket(store.bucket());
            try (ObjectStore evicting = ObjectStore.connect(viaGate, keepAlive);
                    ObjectStore keeping = ObjectStore.connect(viaGate, Duration.ofMinutes(5))) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    String key = "idle/" + UUID.randomUUID();
                    store.put(key, new byte[] {(byte) i}, "application/octet-stream");
                    keys.add(key);
                }
                for (ObjectStore client : List.of(evicting, keeping)) {
                    assertThat(client.getAll(keys, 32))
                            .allSatisfy(b -> assertThat(b).isPresent());
                }
                // the evicting client lets its idle connections go; then the server closes every connection
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (evicting.idleConnections() > 0) {
                    assertThat(System.nanoTime())
                            .as("idle connections evicted within 10 s")
                            .isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(keeping.idleConnections()).isPositive();
                gate.shut();
                gate.open();

                for (int i = 0; i < 8; i++) {
                    assertThat(evicting.list("idle/")).hasSize(32);
                }
                assertThatThrownBy(() -> {
                            for (int i = 0; i < 8; i++) {
                                keeping.list("idle/");
                            }
                        })
                        .as("a client that keeps idle connections longer than the server picks closed ones")
                        .isInstanceOf(StorageUnavailableException.class)
                        .hasMessageContaining("unexpected end of stream");
            }
        }
    }

    @Test
    void sizeIsAHeadRequest() {
        store.put("inbox/acme/size.bin", new byte[1234], "application/octet-stream");
        assertThat(store.size("inbox/acme/size.bin")).contains(1234L);
        assertThat(store.size("inbox/acme/absent.bin")).isEmpty();
    }
}
