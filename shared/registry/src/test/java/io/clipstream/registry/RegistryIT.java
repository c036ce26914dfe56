package io.clipstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on the real S3 server: a base is pinned by its files, versions exist once MANIFEST.json does. */
class RegistryIT {
    @TempDir
    Path tmp;

    private ObjectStore store;
    private Registry registry;

    @BeforeEach
    void connect() {
        Infra infra = Infra.shared();
        store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "registry-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true));
        store.ensureBucket();
        registry = new Registry(store, new ModelLayout("reg-tiny"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aBaseIsPinnedByItsFilesAndAnotherBaseIsRefusedForAVersionPinnedToIt() throws Exception {
        Path dir = tmp.resolve("base");
        GenerateTinyClip.generate(dir, TinyClipSpec.defaults());
        Files.createDirectories(dir.resolve(".cache"));
        Files.writeString(dir.resolve(".cache/download.lock"), "a download tool's leftovers");
        registry.uploadBase(dir);
        String prefix = registry.layout().base();
        assertThat(store.list(prefix))
                .as("the manifest is written, hidden files are not")
                .contains(prefix + "MANIFEST.json")
                .noneMatch(k -> k.contains(".cache"));
        Files.delete(dir.resolve(".cache/download.lock"));
        Files.delete(dir.resolve(".cache"));

        ModelVersion.BasePin pin = registry.downloadBase(tmp.resolve("down"));
        assertThat(pin).isEqualTo(Registry.pinOf(dir));
        assertThat(pin.tokenizerSha256())
                .isEqualTo(ContentAddress.sha256Hex(Files.readAllBytes(dir.resolve("tokenizer.json"))));
        assertThat(registry.downloadBase(tmp.resolve("down"), pin, "v1"))
                .as("a local copy that matches is kept and pinned alike")
                .isEqualTo(pin);

        // one tokenizer entry changed in storage, manifest and all: the files still match a manifest, but not the pin
        byte[] tokenizer = Files.readAllBytes(dir.resolve("tokenizer.json"));
        byte[] other = new String(tokenizer, java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{ ")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(dir.resolve("tokenizer.json"), other);
        registry.uploadBase(dir);
        assertThatThrownBy(() -> registry.downloadBase(tmp.resolve("down"), pin, "v1"))
                .hasMessageContaining("is not the one v1 was trained on")
                .hasMessageContaining(pin.describe());
        assertThat(registry.downloadBase(tmp.resolve("down"), null, "v0"))
                .as("nothing pinned: any base loads")
                .isNotEqualTo(pin);

        // a file changed behind the manifest's back is refused whatever the pin
        store.put(prefix + "model.safetensors", new byte[] {1, 2, 3}, "application/octet-stream");
        assertThatThrownBy(() -> registry.downloadBase(tmp.resolve("down-2")))
                .hasMessageContaining("does not match the sha256 of the base's manifest");

        // a base put before bases had manifests is pinned by the files it holds
        store.delete(prefix + "MANIFEST.json");
        store.put(
                prefix + "model.safetensors",
                Files.readAllBytes(dir.resolve("model.safetensors")),
                "application/octet-stream");
        assertThat(registry.downloadBase(tmp.resolve("down-3"))).isEqualTo(Registry.pinOf(dir));
    }

    @Test
    void aVersionExistsOnceItsManifestDoesAndDownloadsCheckEveryFile() throws Exception {
        Path staged = Files.createDirectories(tmp.resolve("staged"));
        Files.writeString(staged.resolve("adapter_config.json"), "{\"r\": 4}");
        Files.write(staged.resolve(Registry.ADAPTER_WEIGHTS), new byte[] {1, 2, 3, 4});
        VersionRecord draft = new VersionRecord(
                "reg-tiny",
                0,
                null,
                registry.layout().base(),
                null,
                null,
                new ModelVersion.DataWindow("pairs.curated", Map.of(), Map.of()),
                Map.of("d", Map.of("r1_mean", 0.5)),
                Map.of(),
                new ModelVersion.Gate(true, "candidate", List.of(), List.of()),
                "guarded",
                "run-1",
                "cpu",
                Instant.now());
        VersionRecord v1 = registry.publish(staged, draft);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.adapterSha256()).isEqualTo(ContentAddress.sha256Hex(new byte[] {1, 2, 3, 4}));
        assertThat(registry.versions()).containsExactly(1);
        assertThat(registry.read(1).orElseThrow().metrics()).isEqualTo(draft.metrics());

        // files of a version 2 without its MANIFEST.json: no version 2
        store.put(registry.layout().version(2) + Registry.ADAPTER_WEIGHTS, new byte[] {9}, "application/octet-stream");
        assertThat(registry.versions()).containsExactly(1);
        assertThat(registry.read(2)).isEmpty();

        Path down = tmp.resolve("v1");
        registry.download(1, v1.adapterSha256(), down);
        assertThat(Files.readAllBytes(down.resolve(Registry.ADAPTER_WEIGHTS))).containsExactly(1, 2, 3, 4);
        // an object changed behind the manifest's back is refused
        store.put(
                registry.layout().version(1) + Registry.ADAPTER_WEIGHTS, new byte[] {6, 6}, "application/octet-stream");
        assertThatThrownBy(() -> registry.download(1, v1.adapterSha256(), tmp.resolve("v1-again")))
                .hasMessageContaining("does not match its sha256");
    }

    @Test
    void publishersRacingForOneNumberEachGetTheirOwnVersionAndNoFolderIsMixed() throws Exception {
        int writers = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<VersionRecord>> published = new java.util.ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                byte[] weights = {(byte) w, 1, 2, 3};
                Path staged = Files.createDirectories(tmp.resolve("staged-" + w));
                Files.writeString(staged.resolve("adapter_config.json"), "{\"r\": 4}");
                Files.write(staged.resolve(Registry.ADAPTER_WEIGHTS), weights);
                VersionRecord draft = draft("run-" + w);
                published.add(pool.submit(() -> {
                    go.await();
                    return registry.publish(staged, draft);
                }));
            }
            go.countDown();
            java.util.Set<Integer> numbers = new java.util.TreeSet<>();
            for (var f : published) {
                VersionRecord v = f.get();
                numbers.add(v.version());
                Path down = tmp.resolve("down-" + v.version());
                registry.download(v.version(), v.adapterSha256(), down);
                assertThat(ContentAddress.sha256Hex(Files.readAllBytes(down.resolve(Registry.ADAPTER_WEIGHTS))))
                        .as("v" + v.version() + " holds the files of " + v.runId())
                        .isEqualTo(v.adapterSha256());
                assertThat(registry.read(v.version()).orElseThrow().runId()).isEqualTo(v.runId());
            }
            assertThat(numbers).containsExactly(1, 2, 3, 4);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWhosePublisherDiedLeavesAGapNotAMixedFolder() throws Exception {
        Path staged = Files.createDirectories(tmp.resolve("staged"));
        Files.writeString(staged.resolve("adapter_config.json"), "{\"r\": 4}");
        Files.write(staged.resolve(Registry.ADAPTER_WEIGHTS), new byte[] {1, 2, 3, 4});
        assertThat(registry.publish(staged, draft("run-1")).version()).isEqualTo(1);
        // a publisher claimed 2 and died before its MANIFEST.json, after one of its files
        store.put(registry.layout().version(2) + Registry.CLAIM, "{}".getBytes(), "application/json");
        store.put(registry.layout().version(2) + Registry.ADAPTER_WEIGHTS, new byte[] {9}, "application/octet-stream");
        VersionRecord next = registry.publish(staged, draft("run-3"));
        assertThat(next.version()).isEqualTo(3);
        assertThat(registry.versions()).containsExactly(1, 3);
        assertThat(store.get(registry.layout().version(2) + Registry.ADAPTER_WEIGHTS))
                .get()
                .isEqualTo(new byte[] {9});
        registry.download(3, next.adapterSha256(), tmp.resolve("v3"));
        assertThat(Files.list(tmp.resolve("v3")).map(p -> p.getFileName().toString()))
                .as("the claim is not part of a version's files")
                .doesNotContain(Registry.CLAIM);
    }

    private VersionRecord draft(String runId) {
        return new VersionRecord(
                "reg-tiny",
                0,
                null,
                registry.layout().base(),
                null,
                null,
                new ModelVersion.DataWindow("pairs.curated", Map.of(), Map.of()),
                Map.of("d", Map.of("r1_mean", 0.5)),
                Map.of(),
                new ModelVersion.Gate(true, "candidate", List.of(), List.of()),
                "guarded",
                runId,
                "cpu",
                Instant.now());
    }

    @Test
    void aVersionRewrittenInStorageIsRefusedAgainstItsAnnouncement() throws Exception {
        Path staged = Files.createDirectories(tmp.resolve("staged"));
        Files.writeString(staged.resolve("adapter_config.json"), "{\"r\": 4}");
        Files.write(staged.resolve(Registry.ADAPTER_WEIGHTS), new byte[] {1, 2, 3, 4});
        VersionRecord v1 = registry.publish(staged, draft("run-1"));
        String prefix = registry.layout().version(1);

        // one byte flipped: the file no longer matches its manifest
        store.put(prefix + Registry.ADAPTER_WEIGHTS, new byte[] {1, 2, 3, 5}, "application/octet-stream");
        assertThatThrownBy(() -> registry.download(1, v1.adapterSha256(), tmp.resolve("flipped")))
                .hasMessageContaining("does not match its sha256");

        // adapter and manifest rewritten together: consistent with each other, not with the announcement
        byte[] forged = {6, 6, 6, 6};
        store.put(prefix + Registry.ADAPTER_WEIGHTS, forged, "application/octet-stream");
        Map<String, String> files = new java.util.TreeMap<>(io.clipstream.registry.VersionManifest.parse(
                store.get(prefix + io.clipstream.registry.VersionManifest.FILE).orElseThrow()));
        files.put(Registry.ADAPTER_WEIGHTS, ContentAddress.sha256Hex(forged));
        store.put(
                prefix + io.clipstream.registry.VersionManifest.FILE,
                io.clipstream.registry.VersionManifest.render(files),
                "application/json");
        assertThatThrownBy(() -> registry.download(1, v1.adapterSha256(), tmp.resolve("forged")))
                .hasMessageContaining("is not the one announced");
        assertThat(tmp.resolve("forged").resolve(Registry.ADAPTER_WEIGHTS)).doesNotExist();
    }

    @Test
    void aManifestThatNamesFilesOutsideItsVersionIsRefused() throws Exception {
        String prefix = registry.layout().version(7);
        String sha = ContentAddress.sha256Hex(new byte[] {1});
        for (String path : List.of("../../../etc/cron.d/x", "/etc/passwd", "a/../../b", ".hidden", "a\\b")) {
            store.put(
                    prefix + io.clipstream.registry.VersionManifest.FILE,
                    io.clipstream.registry.VersionManifest.render(Map.of(path, sha)),
                    "application/json");
            assertThatThrownBy(() -> registry.download(7, null, tmp.resolve("escape")))
                    .as(path)
                    .hasMessageContaining("outside its version");
        }
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    /**
     * A version of experts: one PEFT adapter folder per expert and routing.json naming each expert's weights. It is
     * announced by the sha256 of routing.json, the experts trained by it get its number, and an expert swapped in
     * storage
     * (its file and the manifest together) is refused, since routing.json names the weights it was published with.
     */
    @Test
    void aVersionOfExpertsIsAnnouncedByItsRoutingAndAnExpertSwappedInStorageIsRefused() throws Exception {
        Path staged = Files.createDirectories(tmp.resolve("staged-experts"));
        Map<String, ExpertSet.Expert> experts = new java.util.LinkedHashMap<>();
        for (String name : List.of("sketch", "rotated")) {
            Path folder = Files.createDirectories(staged.resolve(ExpertSet.folder(name)));
            Files.writeString(folder.resolve("adapter_config.json"), "{\"r\": 4}");
            byte[] weights = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Files.write(folder.resolve(Registry.ADAPTER_WEIGHTS), weights);
            experts.put(
                    name,
                    new ExpertSet.Expert(
                            List.of(name),
                            ContentAddress.sha256Hex(weights),
                            name.equals("rotated") ? 3 : null,
                            "run-9",
                            40));
        }
        Map<String, String> expertOf = new java.util.LinkedHashMap<>();
        expertOf.put("original", null);
        expertOf.put("rotated", "rotated");
        expertOf.put("sketch", "sketch");
        // a router's weights in JSON outgrow a manifest's bound (1.3 MB for four experts of the demo's model)
        double[] weights = new double[150_000];
        java.util.Arrays.fill(weights, 0.123456789);
        ExpertSet.of("original", Map.of("stages", List.of(Map.of("w1", weights))), expertOf, experts)
                .write(staged);
        assertThat(Files.size(staged.resolve(ExpertSet.FILE))).isGreaterThan(Registry.MAX_MANIFEST_BYTES);

        VersionRecord v1 = registry.publish(staged, draft("run-9"));
        String prefix = registry.layout().version(1);
        byte[] routing = store.get(prefix + ExpertSet.FILE).orElseThrow();
        assertThat(v1.adapterSha256()).as("announced by its routing").isEqualTo(ContentAddress.sha256Hex(routing));
        ExpertSet published = ExpertSet.parse(routing);
        assertThat(published.experts().get("sketch").version())
                .as("trained by this version")
                .isEqualTo(1);
        assertThat(published.experts().get("rotated").version())
                .as("carried over")
                .isEqualTo(3);
        assertThat(published.expertOfDomain()).containsEntry("original", null);

        Path down = tmp.resolve("experts-v1");
        registry.download(1, v1.adapterSha256(), down);
        assertThat(ExpertSet.read(down)).isEqualTo(published);
        assertThat(down.resolve("experts/sketch/adapter_model.safetensors")).hasContent("sketch");

        // an expert's weights and the manifest rewritten together: consistent with each other, not with routing.json
        byte[] forged = {6, 6, 6};
        store.put(prefix + "experts/sketch/" + Registry.ADAPTER_WEIGHTS, forged, "application/octet-stream");
        Map<String, String> files = new java.util.TreeMap<>(
                VersionManifest.parse(store.get(prefix + VersionManifest.FILE).orElseThrow()));
        files.put("experts/sketch/" + Registry.ADAPTER_WEIGHTS, ContentAddress.sha256Hex(forged));
        store.put(prefix + VersionManifest.FILE, VersionManifest.render(files), "application/json");
        assertThatThrownBy(() -> registry.download(1, v1.adapterSha256(), tmp.resolve("forged-expert")))
                .hasMessageContaining("expert sketch");
        assertThat(tmp.resolve("forged-expert"))
                .as("refused before any file landed")
                .doesNotExist();

        // a staged set whose routing names other weights than its folders hold is not published
        Files.write(staged.resolve("experts/rotated/" + Registry.ADAPTER_WEIGHTS), new byte[] {1});
        assertThatThrownBy(() -> registry.publish(staged, draft("run-10"))).hasMessageContaining("expert rotated");
        assertThat(registry.versions()).containsExactly(1);
    }
}
