package io.clipstream.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.jboss.logging.Logger;

/**
 * The one bucket of ClipStream, through the MinIO Java SDK. Every operation is retried with
 * exponential back-off up to {@link StorageConfig#maxAttempts()}; "not found" is an answer, not an
 * error, and is never retried. Failures say whose fault they are: {@link StorageRefusedException}
 * (this request will never succeed: a 4xx, a key the client refuses) or
 * {@link StorageUnavailableException} (the store is down, slow or overloaded: try again later).
 */
public final class ObjectStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "NoSuchBucket");
    private static final Map<String, String> IF_NONE_MATCH_ANY = Map.of("If-None-Match", "*");
    /**
     * Requests in flight to the store at once, and connections kept open for them. The MinIO client
     * sends every call through OkHttp's dispatcher, whose default of 5 per host would queue the
     * writes of a batch (the curator's store stage) or the reads of a re-embedding behind each other.
     */
    static final int MAX_REQUESTS_IN_FLIGHT = 64;
    /**
     * How long an idle connection is kept for reuse: shorter than the servers' own idle timeouts (Jetty's 30 s in
     * S3Proxy), or a call picks a connection the server has closed ("unexpected end of stream"), and with many idle
     * connections every retry of the call can pick another one.
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final MinioClient client;
    private final OkHttpClient http;
    private final StorageConfig config;

    private ObjectStore(StorageConfig config, Duration keepAlive) {
        this.config = config;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(MAX_REQUESTS_IN_FLIGHT);
        dispatcher.setMaxRequestsPerHost(MAX_REQUESTS_IN_FLIGHT);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(MAX_REQUESTS_IN_FLIGHT, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .writeTimeout(config.timeout())
                .retryOnConnectionFailure(false)
                .build();
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .httpClient(http)
                .build();
    }

    public static ObjectStore connect(StorageConfig config) {
        return new ObjectStore(config, KEEP_ALIVE);
    }

    /**
     * With another idle keep-alive than {@link #KEEP_ALIVE}: for tests against a server that closes connections sooner.
     */
    static ObjectStore connect(StorageConfig config, Duration keepAlive) {
        return new ObjectStore(config, keepAlive);
    }

    /** Connections the pool keeps open for reuse right now. */
    int idleConnections() {
        return http.connectionPool().idleConnectionCount();
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket unless it exists; safe to call from several services at once. */
    public void ensureBucket() {
        withRetries("ensureBucket " + config.bucket(), () -> {
            if (!client.bucketExists(
                    BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder()
                            .bucket(config.bucket())
                            .region(config.region())
                            .build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    /** One call, no retries: for readiness checks, which must answer fast. */
    public boolean bucketExists() {
        try {
            return client.bucketExists(
                    BucketExistsArgs.builder().bucket(config.bucket()).build());
        } catch (Exception e) {
            throw new StorageUnavailableException("bucketExists " + config.bucket() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the object unless one exists at the key, never overwriting it. For content-addressed
     * keys the existing object holds the same bytes, so skipping it is correct and saves the upload.
     * One request with {@link StorageConfig#conditionalPut()} (a PUT with {@code If-None-Match: *},
     * answered 412 when the key exists), else an existence check and a PUT.
     *
     * @return true if this call wrote the object
     */
    public boolean putIfAbsent(String key, byte[] bytes, String contentType) {
        if (!config.conditionalPut()) {
            if (exists(key)) {
                return false;
            }
            put(key, bytes, contentType);
            return true;
        }
        return withRetries("put-if-absent " + key, () -> {
            try {
                putObject(key, bytes, contentType, IF_NONE_MATCH_ANY);
                return true;
            } catch (ErrorResponseException e) {
                int status = e.response() == null ? 0 : e.response().code();
                // 412: the key exists; 409: a concurrent conditional write to it won (ConditionalRequestConflict)
                if (status == 412 || status == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Writes (or overwrites) the object; S3 PUT is atomic per key, so a retry is harmless. */
    public void put(String key, byte[] bytes, String contentType) {
        withRetries("put " + key, () -> {
            putObject(key, bytes, contentType, Map.of());
            return null;
        });
    }

    private void putObject(String key, byte[] bytes, String contentType, Map<String, String> headers) throws Exception {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(in, bytes.length, -1)
                    .contentType(contentType)
                    .headers(headers)
                    .build());
        }
    }

    public Optional<byte[]> get(String key) {
        return withRetries("get " + key, () -> {
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
                return Optional.of(in.readAllBytes());
            } catch (ErrorResponseException e) {
                if (NOT_FOUND.contains(e.errorResponse().code())) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * The object, read only up to {@code maxBytes}: a larger one is refused (StorageRefusedException) without being
     * held in memory, whatever its headers or a manifest said of it.
     */
    public Optional<byte[]> get(String key, long maxBytes) {
        int cap = (int) Math.min(Integer.MAX_VALUE - 16L, maxBytes);
        Optional<byte[]> got = withRetries("get " + key, () -> {
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
                return Optional.of(in.readNBytes(cap + 1));
            } catch (ErrorResponseException e) {
                if (NOT_FOUND.contains(e.errorResponse().code())) {
                    return Optional.empty();
                }
                throw e;
            }
        });
        if (got.isPresent() && got.get().length > cap) {
            throw new StorageRefusedException(key + " is larger than the " + cap + " bytes allowed for it", null);
        }
        return got;
    }

    /** Every key's object ({@link #get}), {@code parallelism} requests at a time, in the keys' order. */
    public List<Optional<byte[]>> getAll(List<String> keys, int parallelism) {
        try {
            return Parallel.map(keys, parallelism, this::get);
        } catch (IOException e) {
            throw new StorageUnavailableException("get of " + keys.size() + " objects interrupted", e);
        }
    }

    /**
     * A URL that lets whoever holds it GET the object until {@code ttl} has passed (SigV4 query signing, computed
     * here without a request). It names the endpoint this client uses.
     */
    public String presignedGet(String key, Duration ttl) {
        try {
            return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(config.bucket())
                    .object(key)
                    .expiry((int) Math.max(1, ttl.toSeconds()))
                    .build());
        } catch (IllegalArgumentException e) {
            throw new StorageRefusedException("presign " + key + " refused by the client: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageUnavailableException("presign " + key + " failed: " + e, e);
        }
    }

    /** The object's size in bytes (a HEAD request), empty when there is no object at the key. */
    public Optional<Long> size(String key) {
        return withRetries("stat " + key, () -> {
            try {
                return Optional.of(client.statObject(StatObjectArgs.builder()
                                .bucket(config.bucket())
                                .object(key)
                                .build())
                        .size());
            } catch (ErrorResponseException e) {
                if (NOT_FOUND.contains(e.errorResponse().code())
                        || e.response() != null && e.response().code() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    public boolean exists(String key) {
        return size(key).isPresent();
    }

    /** Removes the object; removing a key that does not exist is not an error (S3 semantics). */
    public void delete(String key) {
        withRetries("delete " + key, () -> {
            client.removeObject(RemoveObjectArgs.builder()
                    .bucket(config.bucket())
                    .object(key)
                    .build());
            return null;
        });
    }

    /** Keys under the prefix, recursively, in lexicographic order. */
    public List<String> list(String prefix) {
        return withRetries("list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(config.bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        try {
            client.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing the MinIO client");
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T withRetries(String what, Call<T> call) {
        long backoffMs = 100;
        Exception last = null;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                return call.run();
            } catch (ErrorResponseException e) {
                int status = e.response() == null ? 0 : e.response().code();
                if (status >= 400 && status < 500 && status != 408 && status != 429) {
                    throw new StorageRefusedException(
                            what + " refused: " + e.errorResponse().code() + " " + e.getMessage(), e);
                }
                last = e;
            } catch (IllegalArgumentException e) {
                // the client validates keys and arguments before sending: the same call fails every time
                throw new StorageRefusedException(what + " refused by the client: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException(what + " interrupted", e);
            } catch (Exception e) {
                last = e;
            }
            if (attempt < config.maxAttempts()) {
                LOG.debugf(
                        "%s failed (attempt %d of %d): %s; retrying in %d ms",
                        what, attempt, config.maxAttempts(), last, backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new StorageUnavailableException(what + " interrupted", ie);
                }
                backoffMs = Math.min(backoffMs * 2, 2_000);
            }
        }
        throw new StorageUnavailableException(
                what + " failed after " + config.maxAttempts() + " attempts: " + last, last);
    }
}
