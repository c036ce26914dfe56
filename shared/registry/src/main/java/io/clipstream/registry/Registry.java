package io.clipstream.registry;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The model registry in object storage: {@code models/<model>/versions/<n>/} holds the PEFT adapter files (one
 * adapter, or a set of experts: {@link ExpertSet}), metrics.json (the lineage) and MANIFEST.json (every file's
 * sha256), written last: a version without MANIFEST.json does not exist, whatever else its directory holds.
 *
 * <p>A publisher first claims its number: {@value #CLAIM} in the version's folder, created with a conditional PUT
 * ({@code If-None-Match: *}), so no two writers ever write into one version folder, whatever their locks say. A
 * claim whose publisher died before MANIFEST.json leaves a gap in the numbers, never a mixed folder.
 */
public final class Registry {
    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    public static final String METRICS = "metrics.json";
    /** A Hugging Face checkpoint's tokenizer, pinned on its own beside the whole base. */
    public static final String BASE_TOKENIZER = "tokenizer.json";
    /** The claim of a version number; never part of a version's files. */
    public static final String CLAIM = "CLAIM.json";
    /** Largest MANIFEST.json read. */
    static final long MAX_MANIFEST_BYTES = 1L << 20;
    /**
     * Largest routing.json read: it holds the router's weights as JSON, which grow with the square of the number of
     * experts (every stage reads every earlier expert's embedding): 1.3 MB for four experts of the demo's model.
     */
    static final long MAX_ROUTING_BYTES = 64L << 20;
    /** Largest file of a version or of the base read (a ViT-L/14 checkpoint is 1.7 GB). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16L;
    /** Numbers a publisher tries past the latest version before it gives up (each taken one is a claim that died). */
    static final int MAX_CLAIM_TRIES = 100;

    private final ObjectStore store;
    private final ModelLayout layout;

    public Registry(ObjectStore store, ModelLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    public ModelLayout layout() {
        return layout;
    }

    public ObjectStore store() {
        return store;
    }

    /** Numbers of the versions that exist (have a MANIFEST.json), ascending. */
    public List<Integer> versions() {
        TreeSet<Integer> out = new TreeSet<>();
        String prefix = layout.versions();
        for (String key : store.list(prefix)) {
            String rest = key.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(slash + 1).equals(VersionManifest.FILE)) {
                try {
                    out.add(Integer.parseInt(rest.substring(0, slash)));
                } catch (NumberFormatException ignored) {
                    // not a version directory
                }
            }
        }
        return new ArrayList<>(out);
    }

    public int latest() {
        List<Integer> v = versions();
        return v.isEmpty() ? 0 : v.get(v.size() - 1);
    }

    public Optional<VersionRecord> read(int n) {
        if (!store.exists(layout.version(n) + VersionManifest.FILE)) {
            return Optional.empty();
        }
        return store.get(layout.version(n) + METRICS).map(b -> Json.read(b, VersionRecord.class));
    }

    /**
     * Publishes the staged adapter directory as the next version: claims the first free number above the latest
     * version, then writes its files, metrics.json with the lineage, and MANIFEST.json. A crash before the manifest
     * leaves no version (only a claim: the next publish takes the number after it).
     */
    public VersionRecord publish(Path staged, VersionRecord draft) throws IOException {
        Map<String, String> files = VersionManifest.hashes(staged);
        files.remove(METRICS);
        files.remove(CLAIM);
        ExpertSet experts = ExpertSet.isIn(staged) ? ExpertSet.read(staged) : null;
        if (experts != null) {
            experts.requireMatches(files, "staged version " + staged);
        } else if (!files.containsKey(ADAPTER_WEIGHTS)) {
            throw new IOException("neither " + ADAPTER_WEIGHTS + " nor " + ExpertSet.FILE + " in " + staged);
        }
        int n = claim(draft);
        String prefix = layout.version(n);
        if (experts != null) {
            byte[] routing = Json.write(experts.numbered(n));
            files.put(ExpertSet.FILE, ContentAddress.sha256Hex(routing));
            store.put(prefix + ExpertSet.FILE, routing, "application/json");
        }
        for (String rel : files.keySet()) {
            if (experts != null && rel.equals(ExpertSet.FILE)) {
                continue;
            }
            store.put(prefix + rel, Files.readAllBytes(staged.resolve(rel)), contentType(rel));
        }
        VersionRecord record = draft.withVersion(n, announcedFile(files));
        byte[] metrics = Json.write(record);
        store.put(prefix + METRICS, metrics, "application/json");
        files.put(METRICS, ContentAddress.sha256Hex(metrics));
        if (!store.putIfAbsent(prefix + VersionManifest.FILE, VersionManifest.render(files), "application/json")) {
            throw new IOException("version " + n + " of " + layout.model()
                    + " got a MANIFEST.json from another writer despite its claim");
        }
        return record;
    }

    /** The first number above the latest version whose claim this call created. */
    private int claim(VersionRecord draft) throws IOException {
        int first = latest() + 1;
        byte[] claim = Json.write(Map.of(
                "run",
                String.valueOf(draft.runId()),
                "claimedAt",
                java.time.Instant.now().toString()));
        for (int n = first; n < first + MAX_CLAIM_TRIES; n++) {
            if (store.putIfAbsent(layout.version(n) + CLAIM, claim, "application/json")) {
                return n;
            }
        }
        throw new IOException("no free version number for " + layout.model() + " in " + first + ".."
                + (first + MAX_CLAIM_TRIES - 1) + ": each is claimed (publishers that died, or many at once)");
    }

    /**
     * Downloads version {@code n} into {@code dir}, checking every file against its manifest, and the manifest's
     * adapter against {@code announcedAdapterSha256}: the hash the version was announced with on model.versions (a
     * topic only the trainer writes), so that files and manifest rewritten together in storage are refused too. Null
     * only for a version that was never announced. Every object is read up to a bound, and lands under {@code dir}.
     */
    public void download(int n, String announcedAdapterSha256, Path dir) throws IOException {
        String prefix = layout.version(n);
        byte[] manifest = store.get(prefix + VersionManifest.FILE, MAX_MANIFEST_BYTES)
                .orElseThrow(() -> new IOException("no version " + n));
        Map<String, String> files = VersionManifest.parse(manifest);
        String announcedFile = files.containsKey(ExpertSet.FILE) ? ExpertSet.FILE : ADAPTER_WEIGHTS;
        if (announcedAdapterSha256 != null && !announcedAdapterSha256.equals(files.get(announcedFile))) {
            throw new IOException("version " + n + " of " + layout.model()
                    + " is not the one announced: its manifest gives " + announcedFile + " sha256 "
                    + files.get(announcedFile) + ", the announcement " + announcedAdapterSha256);
        }
        byte[] routingChecked = null;
        if (files.containsKey(ExpertSet.FILE)) {
            // before any file lands: the experts' weights must be the ones the (announced) routing names
            byte[] routing = store.get(prefix + ExpertSet.FILE, MAX_ROUTING_BYTES)
                    .orElseThrow(() -> new IOException("version " + n + " lacks " + ExpertSet.FILE));
            if (!ContentAddress.sha256Hex(routing).equals(files.get(ExpertSet.FILE))) {
                throw new IOException("version " + n + ": " + ExpertSet.FILE + " does not match its sha256");
            }
            ExpertSet.parse(routing).requireMatches(files, "version " + n + " of " + layout.model());
            routingChecked = routing;
        }
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        // the routing read and checked above lands as it was read: the loop below finds it in place
        if (routingChecked != null) {
            Files.write(root.resolve(ExpertSet.FILE), routingChecked);
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path local = inside(root, f.getKey(), "version " + n + ": file");
            if (Files.exists(local) && VersionManifest.sha256(local).equals(f.getValue())) {
                continue;
            }
            byte[] bytes = store.get(prefix + f.getKey(), MAX_FILE_BYTES)
                    .orElseThrow(() -> new IOException("version " + n + " lacks " + f.getKey()));
            if (!ContentAddress.sha256Hex(bytes).equals(f.getValue())) {
                throw new IOException("version " + n + ": " + f.getKey() + " does not match its sha256");
            }
            Files.createDirectories(local.getParent());
            Files.write(local, bytes);
        }
    }

    /**
     * The sha256 a version is announced with: of its {@value ExpertSet#FILE} when it is a set of experts (which holds
     * every expert's sha256), else of its one adapter's weights.
     */
    private static String announcedFile(Map<String, String> files) {
        return files.containsKey(ExpertSet.FILE) ? files.get(ExpertSet.FILE) : files.get(ADAPTER_WEIGHTS);
    }

    /**
     * Downloads the base checkpoint into {@code dir} and returns its pin. A base put with its MANIFEST.json (every base
     * {@link #uploadBase} writes) is checked file by file against it, and local files that match are kept; a base put
     * before bases had manifests is taken as it lies, its pin computed from the files downloaded.
     */
    public ModelVersion.BasePin downloadBase(Path dir) throws IOException {
        List<String> keys = store.list(layout.base());
        if (keys.isEmpty()) {
            throw new IOException(
                    "no base checkpoint under " + layout.base() + ": put one there first (see the trainer README)");
        }
        Files.createDirectories(dir);
        Path root = dir.toAbsolutePath().normalize();
        String manifestKey = layout.base() + VersionManifest.FILE;
        if (keys.contains(manifestKey)) {
            byte[] manifest = store.get(manifestKey, MAX_MANIFEST_BYTES)
                    .orElseThrow(() -> new IOException("vanished: " + manifestKey));
            Map<String, String> files = VersionManifest.parse(manifest);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path local = inside(root, f.getKey(), "base object");
                if (Files.exists(local) && VersionManifest.sha256(local).equals(f.getValue())) {
                    continue;
                }
                byte[] bytes = store.get(layout.base() + f.getKey(), MAX_FILE_BYTES)
                        .orElseThrow(() -> new IOException(
                                "the base checkpoint lacks " + f.getKey() + " that its manifest lists"));
                if (!ContentAddress.sha256Hex(bytes).equals(f.getValue())) {
                    throw new IOException(
                            "base checkpoint file " + f.getKey() + " does not match the sha256 of the base's manifest");
                }
                Files.createDirectories(local.getParent());
                Files.write(local, bytes);
            }
            return pin(files);
        }
        Map<String, String> files = new java.util.TreeMap<>();
        for (String key : keys) {
            String rel = key.substring(layout.base().length());
            Path local = inside(root, rel, "base object");
            Optional<Long> size = store.size(key);
            if (!(Files.exists(local) && size.isPresent() && Files.size(local) == size.get())) {
                Files.createDirectories(local.getParent());
                Files.write(
                        local, store.get(key, MAX_FILE_BYTES).orElseThrow(() -> new IOException("vanished: " + key)));
            }
            files.put(rel, VersionManifest.sha256(local));
        }
        return pin(files);
    }

    /**
     * {@link #downloadBase(Path)}, refusing a base other than the one {@code pinned} names: an adapter trained on one
     * base means nothing on another. {@code pinned} null (a version from before bases were pinned) accepts any base.
     */
    public ModelVersion.BasePin downloadBase(Path dir, ModelVersion.BasePin pinned, String pinnedBy)
            throws IOException {
        ModelVersion.BasePin actual = downloadBase(dir);
        if (pinned != null && !pinned.equals(actual)) {
            throw new IOException("the base checkpoint under " + layout.base() + " (" + actual.describe()
                    + ") is not the one " + pinnedBy + " was trained on (" + pinned.describe() + "): refusing to load "
                    + pinnedBy + " on it");
        }
        return actual;
    }

    /**
     * The pin of a checkpoint directory as it lies on disk (what {@link #downloadBase} returns once it is uploaded).
     */
    public static ModelVersion.BasePin pinOf(Path checkpointDir) throws IOException {
        return pin(VersionManifest.hashes(checkpointDir));
    }

    private static ModelVersion.BasePin pin(Map<String, String> files) throws IOException {
        String tokenizer = files.get(BASE_TOKENIZER);
        if (tokenizer == null) {
            throw new IOException("the base checkpoint has no " + BASE_TOKENIZER + ": captions could not be tokenised");
        }
        return new ModelVersion.BasePin(ContentAddress.sha256Hex(VersionManifest.render(files)), tokenizer);
    }

    private static Path inside(Path root, String rel, String what) throws IOException {
        Path local = root.resolve(rel).normalize();
        if (!local.startsWith(root) || local.equals(root)) {
            throw new IOException(what + " " + rel + " lies outside " + root);
        }
        return local;
    }

    /**
     * Uploads a Hugging Face checkpoint directory as the base, then its MANIFEST.json (every file's sha256), last: the
     * manifest is what downloads are checked against, and what a version's base pin hashes. Hidden files and folders
     * (a download tool's {@code .cache/}) are left out.
     */
    public void uploadBase(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IOException(dir + " is not a Hugging Face checkpoint: no config.json");
        }
        Map<String, String> files = VersionManifest.hashes(dir);
        files.keySet().removeIf(rel -> rel.startsWith(".") || rel.contains("/."));
        for (String rel : files.keySet()) {
            store.put(layout.base() + rel, Files.readAllBytes(dir.resolve(rel)), contentType(rel));
        }
        store.put(layout.base() + VersionManifest.FILE, VersionManifest.render(files), "application/json");
    }

    private static String contentType(String name) {
        return name.endsWith(".json") ? "application/json" : "application/octet-stream";
    }
}
